// The Linux system interfaces Swift's Glibc module does not export (epoll, eventfd, timerfd,
// signalfd) or hides (accept4, which needs _GNU_SOURCE). Only the Reactor module imports this.
#ifndef STARLING_CSYSTEM_H
#define STARLING_CSYSTEM_H

#include <errno.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <fcntl.h>
#include <time.h>

// GNU extensions, defined in CSystem.c where _GNU_SOURCE is set (setting it here would make this
// module's view of the system headers differ from Glibc's).
int starling_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
int starling_set_thread_name(const char *name);
int starling_available_cpus(void);

static inline int starling_errno(void) { return errno; }

/// epoll_event is packed on x86_64; these accessors keep Swift away from its layout.
static inline uint64_t starling_epoll_event_data(const struct epoll_event *event) { return event->data.u64; }
static inline uint32_t starling_epoll_event_events(const struct epoll_event *event) { return event->events; }
static inline int starling_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &event);
}

#endif
