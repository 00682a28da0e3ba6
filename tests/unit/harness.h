#ifndef VEIL_TEST_HARNESS_H
#define VEIL_TEST_HARNESS_H
/* A tiny test harness: TEST(name) registers itself (constructor), CHECK*
 * record failures without stopping the run, main prints "N passed, N failed". */
#include <stdio.h>
#include <string.h>

typedef void (*veil_test_fn)(void);
void veil_test_register(const char *name, veil_test_fn fn);
void veil_test_fail(const char *file, int line, const char *what);

#define TEST(name)                                                     \
	static void name(void);                                        \
	__attribute__((constructor)) static void register_##name(void) \
	{                                                              \
		veil_test_register(#name, name);                       \
	}                                                              \
	static void name(void)

#define CHECK(cond)                                                \
	do {                                                       \
		if (!(cond))                                       \
			veil_test_fail(__FILE__, __LINE__, #cond); \
	} while (0)

#define CHECK_INT(a, b)                                                                        \
	do {                                                                                   \
		long long va_ = (long long)(a), vb_ = (long long)(b);                          \
		if (va_ != vb_) {                                                              \
			char m_[256];                                                          \
			snprintf(m_, sizeof(m_), "%s == %s (%lld != %lld)", #a, #b, va_, vb_); \
			veil_test_fail(__FILE__, __LINE__, m_);                                \
		}                                                                              \
	} while (0)

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)
#define CHECK_STR(a, b)    CHECK(strcmp((a), (b)) == 0)

/* Hex helper for vectors: returns bytes written, or -1. */
long veil_test_unhex(unsigned char *out, size_t cap, const char *hex);

#endif
