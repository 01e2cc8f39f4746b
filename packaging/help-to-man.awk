# help-to-man.awk: one of the grader's help texts ('grader --help',
# 'grader <command> --help') as a man page. The help is the only source:
# this script adds the page's frame and fonts, never words of its own
# beyond the section names.
#
#   awk -f help-to-man.awk -v page=grader-check -v version="grader 0.1.0" \
#       [-v summary="grade one submission"] [-v see="grader"] help.txt
#
# How the help is read:
#   "usage: ..." and "   or: ..."   SYNOPSIS
#   paragraphs before the first list   DESCRIPTION (without summary, the NAME
#                                      line is the first paragraph up to ':')
#   a list: lines indented by two spaces, "  TERM  text", continued by
#     deeper lines                     one .TP per item; the first list
#                                      opens OPTIONS, or the section its
#                                      one-line "Heading:" names; a later
#                                      "Heading:" is a subsection
#   other paragraphs                   kept in order, as paragraphs
#   "exit status: ..."                 EXIT STATUS
#   see                                SEE ALSO (comma-separated page names)

# Text with roff's special characters escaped. A '-' is a hyphen only
# between two letters of a word that does not start with one ("HMAC-SHA256");
# any other is a minus, so that options and globs ("--webhook-ca",
# "random-*") can be copied from the page.
function esc(s,    out, i, c, prev, next_c, option) {
	out = ""
	prev = " "
	option = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		next_c = substr(s, i + 1, 1)
		if (index(" ([|'\"`=,;", c) > 0)
			option = 0
		else if (c == "-" && index(" ([|'\"`=", prev) > 0)
			option = 1
		if (c == "\\")
			out = out "\\e"
		else if (c == "-" && (option || prev !~ /[A-Za-z]/ || next_c !~ /[A-Za-z]/))
			out = out "\\-"
		else
			out = out c
		prev = c
	}
	return out
}

# A line of text: a leading '.' or '\'' would be a request.
function text_line(s,    t) {
	t = esc(s)
	if (t ~ /^[.']/)
		t = "\\&" t
	return t
}

# One word of a synopsis or of an item's term, in its font: options bold,
# metavariables (FILE, <command>) italic, brackets and punctuation roman.
function word(w, bold_plain,    pre, post, core) {
	pre = ""
	post = ""
	while (w ~ /^[[]/) {
		pre = pre substr(w, 1, 1)
		w = substr(w, 2)
	}
	while (w ~ /([]]|,|\.\.\.)$/) {
		if (w ~ /\.\.\.$/) {
			post = "..." post
			w = substr(w, 1, length(w) - 3)
		} else {
			post = substr(w, length(w), 1) post
			w = substr(w, 1, length(w) - 1)
		}
	}
	core = w
	if (core == "")
		return pre post
	if (core ~ /^-/)
		core = "\\fB" esc(core) "\\fR"
	else if (core ~ /^[A-Z<]/)
		core = "\\fI" esc(core) "\\fR"
	else if (bold_plain)
		core = "\\fB" esc(core) "\\fR"
	else
		core = esc(core)
	return pre core post
}

function words(s, bold_first,    n, a, i, out) {
	n = split(s, a, " ")
	out = ""
	for (i = 1; i <= n; i++)
		out = out (i > 1 ? " " : "") word(a[i], i <= bold_first)
	return out
}

function emit(s) {
	body = body s "\n"
}

# The paragraph held in para[1..npara]: a heading, the exit status, or text.
function flush_para(    i, first, rest) {
	if (npara == 0)
		return
	if (para[1] ~ /^exit status:/) {
		emit(".SH \"EXIT STATUS\"")
		first = para[1]
		sub(/^exit status: */, "", first)
		if (first != "")
			emit(text_line(first))
		for (i = 2; i <= npara; i++)
			emit(text_line(para[i]))
		in_exit = 1
	} else if (npara == 1 && para[1] ~ /^[A-Za-z][A-Za-z ]*:$/) {
		heading = para[1]
		sub(/:$/, "", heading)
	} else {
		if (!described) {
			emit(".SH DESCRIPTION")
			described = 1
			first = para[1]
			for (i = 2; i <= npara; i++)
				first = first " " para[i]
			if (name_text == "") {
				name_text = first
				sub(/[:.].*/, "", name_text)
				name_text = tolower(substr(name_text, 1, 1)) substr(name_text, 2)
			}
		} else {
			emit(".PP")
		}
		for (i = 1; i <= npara; i++)
			emit(text_line(para[i]))
	}
	npara = 0
}

function flush_item() {
	if (item_term == "")
		return
	emit(".TP")
	emit(words(item_term, 1))
	if (item_text != "")
		emit(text_line(item_text))
	item_term = ""
	item_text = ""
}

# Items start a list: its section or subsection, from a pending heading.
function open_list() {
	if (in_list)
		return
	if (!listed) {
		if (!described) {
			emit(".SH DESCRIPTION")
			described = 1
		}
		emit(".SH " (heading != "" ? toupper(heading) : "OPTIONS"))
		listed = 1
	} else if (heading != "") {
		emit(".SS " toupper(substr(heading, 1, 1)) substr(heading, 2))
	}
	heading = ""
	in_list = 1
}

# "  TERM   text": the term ends at two spaces, or, when the term runs into
# its text ("--webhook-ca FILE CA certificates"), at the list's text column.
function start_item(line,    rest, gap) {
	rest = substr(line, 3)
	gap = match(rest, /  +/)
	if (gap > 0) {
		item_term = substr(rest, 1, gap - 1)
		item_text = substr(rest, gap + RLENGTH)
	} else if (column > 0 && length(line) > column && substr(line, column, 1) == " ") {
		item_term = substr(line, 3, column - 3)
		item_text = substr(line, column + 1)
	} else {
		item_term = rest
		item_text = ""
	}
	sub(/ +$/, "", item_term)
}

BEGIN {
	body = ""
	npara = 0
	nsyn = 0
	name_text = summary
}

{ lines[NR] = $0 }

# The column where a list's continued text starts: the smallest indent of a
# continuation line (four spaces or more, not an option).
$0 ~ /^    +[^ -]/ {
	match($0, /^ +/)
	if (column == 0 || RLENGTH < column)
		column = RLENGTH
}

END {
	for (n = 1; n <= NR; n++) {
		line = lines[n]
		if (line ~ /^usage: / || line ~ /^   or: /) {
			sub(/^(usage|   or): /, "", line)
			syn[++nsyn] = line
			continue
		}
		if (line ~ /^exit status:/) {
			flush_item()
			flush_para()
			in_list = 0
		}
		if (line ~ /^$/) {
			flush_item()
			flush_para()
			in_list = 0
			continue
		}
		if (line ~ /^  [^ ]/ && !in_exit) {
			flush_para()
			open_list()
			flush_item()
			start_item(line)
			continue
		}
		if (line ~ /^   +[^ ]/ && in_list) {
			sub(/^ +/, "", line)
			item_text = item_text (item_text != "" ? " " : "") line
			continue
		}
		flush_item()
		in_list = 0
		sub(/^ +/, "", line)
		para[++npara] = line
	}
	flush_item()
	flush_para()

	title = toupper(page)
	printf ".TH %s 1 \"\" \"%s\" \"User Commands\"\n", esc(title), esc(version)
	print ".nh"
	print ".SH NAME"
	printf "%s \\- %s\n", esc(page), esc(name_text)
	print ".SH SYNOPSIS"
	for (i = 1; i <= nsyn; i++) {
		if (i > 1)
			print ".br"
		print words(syn[i], 2)
	}
	printf "%s", body
	if (see != "") {
		print ".SH \"SEE ALSO\""
		n = split(see, pages, ",")
		for (i = 1; i <= n; i++)
			printf ".BR %s (1)%s\n", esc(pages[i]), i < n ? "," : ""
	}
}
