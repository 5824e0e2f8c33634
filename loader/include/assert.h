#undef assert
#ifdef NDEBUG
#define assert(x) ((void)0)
#else
void __assert_fail(const char *expr, const char *file, int line, const char *func) __attribute__((noreturn));
#define assert(x) ((void)((x) || (__assert_fail(#x, __FILE__, __LINE__, __func__), 0)))
#endif
