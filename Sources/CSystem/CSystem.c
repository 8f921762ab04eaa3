// GNU extensions the header declares; compiled with _GNU_SOURCE so glibc exposes them.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>

int starling_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags) {
    return accept4(fd, address, length, flags);
}

int starling_set_thread_name(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}

int starling_available_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    return CPU_COUNT(&set);
}
