/*
 * LD_PRELOAD work-around for Debian 12's syncevolution 2.0.0-3+b1 (libsyncevolution0).
 *
 * SyncEvo::CurlTransportAgent hands libcurl a NULL write/read callback
 * (CURLOPT_WRITEFUNCTION / CURLOPT_READFUNCTION) while still passing itself as
 * the callback's user pointer.  libcurl then falls back to fwrite()/fread() on
 * that C++ object and the client crashes (exit 139) on its first HTTP POST.
 *
 * This library interposes curl_easy_setopt().  When one of those two options
 * is set by code living in libsyncevolution.so, the callback is replaced by a
 * trampoline that calls the agent's own exported member functions
 *   size_t CurlTransportAgent::writeData(void *buffer, size_t size)
 *   size_t CurlTransportAgent::readData(void *buffer, size_t size)
 * with the user pointer (the agent) as "this".  Every other call is passed
 * through unchanged, so nothing else in the process is affected.
 *
 * Built by io.syncgw.interop.SyncEvolutionClient with
 *   gcc -O2 -shared -fPIC -o curl-callback-fix.so curl-callback-fix.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/* numeric values from curl/curl.h (CURLOPTTYPE_FUNCTIONPOINT + 11 / + 12) */
enum { WRITEFUNCTION = 20011, READFUNCTION = 20012 };

typedef int (*setopt_t)(void *curl, int option, ...);
typedef size_t (*agent_io_t)(void *agent, void *buffer, size_t size);

static setopt_t next_setopt;
static agent_io_t agent_write, agent_read;
static pthread_once_t resolved = PTHREAD_ONCE_INIT;

static void resolve(void)
{
    next_setopt = (setopt_t)dlsym(RTLD_NEXT, "curl_easy_setopt");
    agent_write = (agent_io_t)dlsym(RTLD_DEFAULT, "_ZN7SyncEvo18CurlTransportAgent9writeDataEPvm");
    agent_read = (agent_io_t)dlsym(RTLD_DEFAULT, "_ZN7SyncEvo18CurlTransportAgent8readDataEPvm");
}

static size_t write_trampoline(char *ptr, size_t size, size_t nmemb, void *agent)
{
    return agent_write(agent, ptr, size * nmemb);
}

static size_t read_trampoline(char *ptr, size_t size, size_t nmemb, void *agent)
{
    return agent_read(agent, ptr, size * nmemb);
}

/* true when the code at 'address' belongs to libsyncevolution.so */
static int in_libsyncevolution(const void *address)
{
    Dl_info info;
    return dladdr(address, &info) != 0 && info.dli_fname != NULL &&
           strstr(info.dli_fname, "libsyncevolution.so") != NULL;
}

int curl_easy_setopt(void *curl, int option, ...)
{
    va_list args;
    void *value;

    pthread_once(&resolved, resolve);
    /* every option value (long, pointer, curl_off_t) is one 8-byte register/slot on LP64 */
    va_start(args, option);
    value = va_arg(args, void *);
    va_end(args);

    if ((option == WRITEFUNCTION || option == READFUNCTION) && agent_write != NULL && agent_read != NULL &&
        in_libsyncevolution(__builtin_return_address(0)))
        value = option == WRITEFUNCTION ? (void *)write_trampoline : (void *)read_trampoline;
    return next_setopt(curl, option, value);
}
