// An uncaught C++ exception: std::vector::at throws std::out_of_range,
// nothing catches it, std::terminate aborts. The bug is in the function
// that asked for the bad index, two (or more) frames below the runtime's
// terminate/throw machinery. `./throw` throws from lookup, `./throw
// other` from a second site, so triage must see two different crashes.
#include <cstring>
#include <vector>

__attribute__((noinline)) int lookup(const std::vector<int> &v, std::size_t i)
{
	return v.at(i); // throw.cpp:11
}

__attribute__((noinline)) int other_lookup(const std::vector<int> &v, std::size_t i)
{
	return v.at(i + 1); // throw.cpp:16
}

int main(int argc, char **argv)
{
	std::vector<int> v{1, 2, 3};
	if (argc > 1 && std::strcmp(argv[1], "other") == 0)
		return other_lookup(v, 9);
	return lookup(v, 5); // throw.cpp:24
}
