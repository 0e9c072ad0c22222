/*
 * A minimal stand-in for the kernel's tools/testing/selftests/kselftest_harness.h,
 * written for vmascope's tests (it is not the kernel's code): just the macros an
 * exported kselftest uses, with the same meaning, so CI can build and run the
 * export without a kernel tree.
 *
 * FIXTURE/FIXTURE_SETUP/FIXTURE_TEARDOWN/TEST_F declare a test on a fixture;
 * each test runs in a process of its own. ASSERT_* stops the test on failure,
 * EXPECT_* marks it failed and goes on, SKIP(statement, fmt, ...) marks it
 * skipped and runs statement, TH_LOG prints a diagnostic. TEST_HARNESS_MAIN
 * runs every test and prints TAP; the exit status is 1 if any test failed.
 */
#ifndef VMASCOPE_KSELFTEST_HARNESS_H
#define VMASCOPE_KSELFTEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_SKIP 4

struct __test_metadata {
	int exit_code;
	char reason[1024];
};

struct __test {
	const char *name;
	void (*fn)(struct __test_metadata *);
	struct __test *next;
};

static struct __test *__tests, **__tests_tail = &__tests;
static int __test_count;

static inline void __register_test(struct __test *t)
{
	*__tests_tail = t;
	__tests_tail = &t->next;
	__test_count++;
}

#define TH_LOG(fmt, ...) fprintf(stderr, "# %s:%d: " fmt "\n", __FILE__, __LINE__, ##__VA_ARGS__)

#define FIXTURE_DATA(name) struct _fixture_##name##_data
#define FIXTURE(name) FIXTURE_DATA(name)
#define FIXTURE_SETUP(name) \
	static void name##_setup(struct __test_metadata __attribute__((unused)) *_metadata, \
				 FIXTURE_DATA(name) __attribute__((unused)) *self, \
				 const void __attribute__((unused)) *variant)
#define FIXTURE_TEARDOWN(name) \
	static void name##_teardown(struct __test_metadata __attribute__((unused)) *_metadata, \
				    FIXTURE_DATA(name) __attribute__((unused)) *self, \
				    const void __attribute__((unused)) *variant)

#define TEST_F(fixture, test) \
	static void fixture##_##test(struct __test_metadata *, FIXTURE_DATA(fixture) *, const void *); \
	static void __wrapper_##fixture##_##test(struct __test_metadata *_metadata) \
	{ \
		FIXTURE_DATA(fixture) self; \
		memset(&self, 0, sizeof self); \
		fixture##_setup(_metadata, &self, NULL); \
		if (_metadata->exit_code == KSFT_PASS) \
			fixture##_##test(_metadata, &self, NULL); \
		fixture##_teardown(_metadata, &self, NULL); \
	} \
	static struct __test __object_##fixture##_##test = { #fixture "." #test, __wrapper_##fixture##_##test, NULL }; \
	__attribute__((constructor)) static void __register_##fixture##_##test(void) \
	{ \
		__register_test(&__object_##fixture##_##test); \
	} \
	static void fixture##_##test(struct __test_metadata __attribute__((unused)) *_metadata, \
				     FIXTURE_DATA(fixture) __attribute__((unused)) *self, \
				     const void __attribute__((unused)) *variant)

#define __CHECK(expected, seen, op, is_assert) do { \
	long long __exp = (long long)(expected), __seen = (long long)(seen); \
	if (!(__exp op __seen)) { \
		fprintf(stderr, "# %s:%d: Expected %s (%lld) %s %s (%lld)\n", __FILE__, __LINE__, \
			#expected, __exp, #op, #seen, __seen); \
		_metadata->exit_code = KSFT_FAIL; \
		if (is_assert) \
			_exit(KSFT_FAIL); \
	} \
} while (0)

#define ASSERT_EQ(expected, seen) __CHECK(expected, seen, ==, 1)
#define ASSERT_NE(expected, seen) __CHECK(expected, seen, !=, 1)
#define ASSERT_TRUE(seen) __CHECK(0, (seen) != 0, !=, 1)
#define ASSERT_FALSE(seen) __CHECK(0, (seen) != 0, ==, 1)
#define EXPECT_EQ(expected, seen) __CHECK(expected, seen, ==, 0)
#define EXPECT_NE(expected, seen) __CHECK(expected, seen, !=, 0)
#define EXPECT_TRUE(seen) __CHECK(0, (seen) != 0, !=, 0)
#define EXPECT_FALSE(seen) __CHECK(0, (seen) != 0, ==, 0)

#define SKIP(statement, fmt, ...) do { \
	snprintf(_metadata->reason, sizeof _metadata->reason, fmt, ##__VA_ARGS__); \
	_metadata->exit_code = KSFT_SKIP; \
	statement; \
} while (0)

/* Each test in its own process; the metadata is shared so a skip reason reaches the runner. */
static inline int __run_tests(void)
{
	int failed = 0, n = 0;
	struct __test_metadata *meta = mmap(NULL, sizeof *meta, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (meta == MAP_FAILED)
		return KSFT_FAIL;
	printf("TAP version 13\n1..%d\n", __test_count);
	for (struct __test *t = __tests; t; t = t->next) {
		int status = 0;
		memset(meta, 0, sizeof *meta);
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			t->fn(meta);
			_exit(meta->exit_code);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			status = KSFT_FAIL << 8;
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : KSFT_FAIL;
		n++;
		if (code == KSFT_SKIP)
			printf("ok %d %s # SKIP %s\n", n, t->name, meta->reason);
		else if (code == KSFT_PASS)
			printf("ok %d %s\n", n, t->name);
		else {
			printf("not ok %d %s\n", n, t->name);
			failed = 1;
		}
	}
	fflush(stdout);
	return failed;
}

#define TEST_HARNESS_MAIN \
	int main(void) \
	{ \
		return __run_tests(); \
	}

#endif
