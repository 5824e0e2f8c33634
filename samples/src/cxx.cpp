// C++: a demangled method name, and a function inlined into it.
namespace shapes {

struct Square {
	int side;
	int area() const;
};

static inline __attribute__((always_inline)) int load(const int *p)
{
	return *p; // cxx.cpp:11 (inlined into Square::area)
}

__attribute__((noinline)) int Square::area() const
{
	const int *nowhere = nullptr;
	return load(nowhere) * side; // cxx.cpp:17
}

} // namespace shapes

int main()
{
	shapes::Square s{3};
	return s.area(); // cxx.cpp:25
}
