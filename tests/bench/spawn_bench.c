/*
 * spawn_bench.c: the cost of one sandboxed test spawn (sandbox_run of a
 * static program that exits at once) next to a plain fork + exec + wait
 * and posix_spawn of the same program. Prints medians; asserts nothing.
 * usage: spawn_bench PROGRAM [RUNS]
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"

extern char **environ;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 1000, round;
	char *args[] = { argv[1], "ok", NULL };
	double *fork_us, *spawn_us, *sbx_us;
	char dir[] = "/tmp/spawn-bench-XXXXXX", err[256];
	struct sandbox *sb;

	if (argc < 2 || runs < 10) {
		fprintf(stderr, "usage: spawn_bench PROGRAM [RUNS]\n");
		return 2;
	}
	if (sandbox_new(&sb, err, sizeof(err)) || !mkdtemp(dir)) {
		fprintf(stderr, "spawn_bench: %s\n", err);
		return 1;
	}
	fork_us = calloc((size_t)runs, sizeof(double));
	spawn_us = calloc((size_t)runs, sizeof(double));
	sbx_us = calloc((size_t)runs, sizeof(double));
	/* Interleaved, so that load from elsewhere hits all three alike. */
	for (round = -50; round < runs; round++) {
		struct sandbox_spec spec = { 0 };
		struct sandbox_result res;
		double t0;
		pid_t pid;
		int st;

		t0 = now_us();
		pid = fork();
		if (pid == 0) {
			execve(argv[1], args, environ);
			_exit(127);
		}
		waitpid(pid, &st, 0);
		if (round >= 0)
			fork_us[round] = now_us() - t0;

		t0 = now_us();
		if (posix_spawn(&pid, argv[1], NULL, NULL, args, environ) == 0)
			waitpid(pid, &st, 0);
		if (round >= 0)
			spawn_us[round] = now_us() - t0;

		spec.profile = SANDBOX_RUN;
		spec.exe = argv[1];
		spec.argv = args;
		spec.workdir = dir;
		spec.stdin_fd = -1;
		spec.channel = true;
		spec.limits.cpu_ms = 1000;
		spec.limits.wall_ms = 5000;
		spec.limits.idle_ms = 1000;
		spec.limits.memory_kb = 256 * 1024;
		spec.limits.file_kb = 1024;
		spec.limits.output_cap = 65536;
		spec.limits.channel_cap = 65536;
		t0 = now_us();
		if (sandbox_run(sb, &spec, &res, err, sizeof(err))) {
			fprintf(stderr, "spawn_bench: %s\n", err);
			return 1;
		}
		if (round >= 0)
			sbx_us[round] = now_us() - t0;
		sandbox_result_release(&res);
	}
	{
		double f = median(fork_us, runs), p = median(spawn_us, runs), s = median(sbx_us, runs);

		printf("runs per variant:            %d (interleaved)\n", runs);
		printf("fork + exec + wait:          %7.1f us median\n", f);
		printf("posix_spawn + wait:          %7.1f us median\n", p);
		printf("sandboxed spawn (all layers): %6.1f us median\n", s);
		printf("sandbox - fork+exec:         %+7.1f us (target: within +200 us)\n", s - f);
	}
	rmdir(dir);
	sandbox_free(sb);
	return 0;
}
