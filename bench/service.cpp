// Benchmark subject: a small C++ "service" with four bugs, one chosen by
// argv[1] (0-3), crashing while a few worker threads wait. Triage of many
// of its cores must find exactly four groups.
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace service {

struct Request {
	std::string path;
	int weight;
};

class Router {
public:
	explicit Router(int bug) : bug_(bug) { routes_["/"] = 1; }
	int route(const Request &r);

private:
	int bug_;
	std::map<std::string, int> routes_;
};

static inline int checked_weight(const Request &r)
{
	std::vector<int> w{1, 2, 3};
	return w.at(static_cast<size_t>(r.weight));  // bug 1: throws out_of_range
}

static inline int share(int total, int parts)
{
	return total / parts;  // bug 2: parts == 0
}

__attribute__((noinline)) static int *lookup(std::map<std::string, int> &m, const std::string &k)
{
	auto it = m.find(k);
	return it == m.end() ? nullptr : &it->second;
}

int Router::route(const Request &r)
{
	switch (bug_) {
	case 0: return *lookup(routes_, r.path);  // bug 0: unknown route → null
	case 1: return checked_weight(r);
	case 2: return share(100, r.weight - 7);
	default: assert(r.weight < 7 && "weight in range"); return 0;  // bug 3
	}
}

}  // namespace service

static void idle()
{
	pause();
}

int main(int argc, char **argv)
{
	int bug = argc > 1 ? atoi(argv[1]) : 0;
	std::vector<std::thread> pool;
	for (int i = 0; i < 4; i++)
		pool.emplace_back(idle);
	usleep(1000);
	service::Router router(bug);
	service::Request req{"/missing", 7};
	std::printf("%d\n", router.route(req));
	return 0;
}
