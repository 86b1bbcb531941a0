/* The C test program of libghpackages: every operation for the three owner
 * families, pagination, every error code, NULL and bad-input handling,
 * against a running emulator started with --demo.
 *
 * Environment:
 *   GHPACKAGES_BASE_URL        the emulator, e.g. http://127.0.0.1:40123 (required)
 *   GHPACKAGES_EMULATOR_ADMIN_TOKEN  its admin token (default: emulator-admin)
 *
 * The emulator's admin API (/_emulator/) switches faults (including the
 * malformed bodies and odd statuses behind `decode` and `other`) and rate
 * limits on and off; it is reached with a few lines of plain socket code
 * below, since the library itself only speaks the Packages API.
 *
 * Prints "N passed, N failed" and exits non-zero on any failure. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ghpackages.h"

static int passed;
static int failed;

#define CHECK(cond, what)                                                       \
    do {                                                                        \
        if (cond) {                                                             \
            passed++;                                                           \
        } else {                                                                \
            failed++;                                                           \
            fprintf(stderr, "FAIL %s:%d: %s: %s\n", __FILE__, __LINE__, what,   \
                    #cond);                                                     \
        }                                                                       \
    } while (0)

static const char *base_url;
static const char *admin_token;
static int emulator_port;
/* The error codes some call returned as expected, to check that every error
 * kind of the core was provoked for real. */
static int provoked[GHPACKAGES_OTHER + 1];

/* Checks that a call returned `want` and that the error object in `*error`
 * agrees with it. `error` is read only after the call, which is why it is
 * passed by address. Returns whether the status was the expected one. */
static int expect_keep(const char *what, ghpackages_status got, ghpackages_status want,
                       ghpackages_error **error) {
    int ok = got == want;
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL %s: got %s, want %s%s%s\n", what, ghpackages_status_name((int)got),
                ghpackages_status_name((int)want), *error ? ": " : "",
                *error ? (*error)->description : "");
    }
    if (want == GHPACKAGES_OK) {
        CHECK(*error == NULL, what);
    } else if (ok) {
        if (want <= GHPACKAGES_OTHER) {
            provoked[want] = 1;
        }
        CHECK(*error != NULL, what);
        if (*error) {
            CHECK((*error)->code == want, what);
            CHECK((*error)->message != NULL && (*error)->description != NULL, what);
        }
    }
    return ok;
}

/* expect_keep, then frees the error object. */
static int expect(const char *what, ghpackages_status got, ghpackages_status want,
                  ghpackages_error **error) {
    int ok = expect_keep(what, got, want, error);
    ghpackages_error_free(*error);
    *error = NULL;
    return ok;
}

static ghpackages_client *new_client(const char *token, int max_attempts, int64_t timeout_ms) {
    ghpackages_client_options options = {
        .base_url = base_url,
        .token = token,
        .ignore_env_token = 1,
        .max_attempts = max_attempts,
        .timeout_ms = timeout_ms,
        .initial_backoff_ms = 10,
    };
    ghpackages_client *client = NULL;
    ghpackages_error *error = NULL;
    ghpackages_status status = ghpackages_client_new(&options, &client, &error);
    if (!expect("ghpackages_client_new", status, GHPACKAGES_OK, &error)) {
        exit(2);
    }
    return client;
}

/* ---- the emulator's admin API, over a plain socket ---------------------- */

static int connect_loopback(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        perror("connect");
        exit(2);
    }
    return fd;
}

/* Sends one admin request and returns the HTTP status of the answer. */
static int admin(const char *method, const char *path, const char *json) {
    int fd = connect_loopback(emulator_port);
    char request[2048];
    int length = snprintf(request, sizeof request,
                          "%s /_emulator%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                          method, path, admin_token, strlen(json), json);
    if (write(fd, request, (size_t)length) != length) {
        perror("write");
        exit(2);
    }
    char answer[256] = {0};
    ssize_t got = read(fd, answer, sizeof answer - 1);
    close(fd);
    int status = 0;
    if (got <= 0 || sscanf(answer, "HTTP/1.1 %d", &status) != 1) {
        fprintf(stderr, "admin %s %s: no answer\n", method, path);
        exit(2);
    }
    return status;
}

/* Listens on a free loopback port; returns the listener, stores the port. */
static int listen_loopback(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) != 0 ||
        listen(fd, 4) != 0 || getsockname(fd, (struct sockaddr *)&address, &size) != 0) {
        perror("listen");
        exit(2);
    }
    *port = ntohs(address.sin_port);
    return fd;
}

/* ---- tests --------------------------------------------------------------- */

static void test_status_names(void) {
    static const char *names[] = {"ok",           "not_found", "unauthorized", "forbidden",
                                  "rate_limited", "validation", "conflict",    "invalid_input",
                                  "server",       "transport", "timeout",      "decode",
                                  "other",        "unknown",   "internal"};
    for (int code = 0; code <= GHPACKAGES_INTERNAL; code++) {
        CHECK(strcmp(ghpackages_status_name(code), names[code]) == 0, names[code]);
    }
    CHECK(strcmp(ghpackages_status_name(-1), "invalid_status") == 0, "negative status");
    CHECK(strcmp(ghpackages_status_name(GHPACKAGES_INTERNAL + 1), "invalid_status") == 0,
          "status past the last");
    static const char *types[] = {"npm", "maven", "rubygems", "docker", "nuget", "container"};
    CHECK(GHPACKAGES_PACKAGE_TYPE_COUNT == 6, "six package types");
    for (ghpackages_package_type t = 1; t <= GHPACKAGES_PACKAGE_TYPE_COUNT; t++) {
        CHECK(strcmp(ghpackages_package_type_name(t), types[t - 1]) == 0, types[t - 1]);
    }
    CHECK(ghpackages_package_type_name(0) == NULL, "no package type 0");
}

/* The token comes from GITHUB_TOKEN unless one is given or the environment
 * is ignored. Runs first: setenv is only safe before the library has
 * started its threads. */
static void test_env_token(void) {
    setenv("GITHUB_TOKEN", "ghp_demo_octocat", 1);
    ghpackages_owner org = {GHPACKAGES_OWNER_ORG, "octo-org"};
    ghpackages_error *error = NULL;
    ghpackages_package *package = NULL;

    ghpackages_client_options from_env = {.base_url = base_url};
    ghpackages_client *client = NULL;
    expect("client with the token from GITHUB_TOKEN",
           ghpackages_client_new(&from_env, &client, &error), GHPACKAGES_OK, &error);
    expect("private package with the environment's token",
           ghpackages_get_package(client, &org, GHPACKAGES_PACKAGE_TYPE_CONTAINER, "octo-app",
                                  &package, &error),
           GHPACKAGES_OK, &error);
    ghpackages_package_free(package);
    package = NULL;
    ghpackages_client_free(client);

    ghpackages_client_options no_env = {.base_url = base_url, .ignore_env_token = 1};
    client = NULL;
    expect("client ignoring the environment", ghpackages_client_new(&no_env, &client, &error),
           GHPACKAGES_OK, &error);
    expect("private package without a token",
           ghpackages_get_package(client, &org, GHPACKAGES_PACKAGE_TYPE_CONTAINER, "octo-app",
                                  &package, &error),
           GHPACKAGES_UNAUTHORIZED, &error);
    CHECK(package == NULL, "no package without a token");
    ghpackages_client_free(client);
}

static void test_client_options(void) {
    ghpackages_client *client = NULL;
    ghpackages_error *error = NULL;

    expect("client with NULL options", ghpackages_client_new(NULL, &client, &error),
           GHPACKAGES_OK, &error);
    CHECK(client != NULL, "client with NULL options");
    ghpackages_client_free(client);

    expect("client_new with NULL out", ghpackages_client_new(NULL, NULL, &error),
           GHPACKAGES_INVALID_INPUT, &error);

    ghpackages_client_options bad_url = {.base_url = "not a url", .ignore_env_token = 1};
    client = (ghpackages_client *)&bad_url; /* must be reset to NULL */
    expect("malformed base URL", ghpackages_client_new(&bad_url, &client, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    CHECK(client == NULL, "out is NULL after a failure");

    ghpackages_client_options negative = {.base_url = base_url, .timeout_ms = -5};
    ghpackages_status status = ghpackages_client_new(&negative, &client, &error);
    if (expect_keep("negative timeout", status, GHPACKAGES_INVALID_INPUT, &error)) {
        CHECK(error && error->argument && strcmp(error->argument, "options.timeout_ms") == 0,
              "negative timeout names its argument");
    }
    ghpackages_error_free(error);
    error = NULL;

    ghpackages_client_options attempts = {.base_url = base_url, .max_attempts = -1};
    expect("negative max_attempts", ghpackages_client_new(&attempts, &client, &error),
           GHPACKAGES_INVALID_INPUT, &error);

    ghpackages_client_options bad_utf8 = {.base_url = base_url, .token = "\xff\xfe"};
    expect("token not UTF-8", ghpackages_client_new(&bad_utf8, &client, &error),
           GHPACKAGES_INVALID_INPUT, &error);

    /* A token over plain http beyond loopback (`*.localhost` included) is
       refused, and the message names the option as C spells it. */
    ghpackages_client_options insecure = {
        .base_url = "http://evil.localhost:9", .token = "ghp_c_secret", .ignore_env_token = 1};
    status = ghpackages_client_new(&insecure, &client, &error);
    if (expect_keep("token over plain http", status, GHPACKAGES_INVALID_INPUT, &error)) {
        CHECK(error && strstr(error->message,
                              "ghpackages_client_options.allow_insecure_http = 1") != NULL,
              "the refusal names the C option");
        CHECK(error && strstr(error->message, "ghp_c_secret") == NULL,
              "the refusal does not show the token");
    }
    ghpackages_error_free(error);
    error = NULL;

    /* Without the error out-pointer the code still comes back. */
    CHECK(ghpackages_client_new(&bad_url, &client, NULL) == GHPACKAGES_INVALID_INPUT,
          "NULL error pointer");

    /* Freeing NULL is a no-op for every type. */
    ghpackages_client_free(NULL);
    ghpackages_error_free(NULL);
    ghpackages_package_free(NULL);
    ghpackages_package_version_free(NULL);
    ghpackages_package_list_free(NULL);
    ghpackages_package_version_list_free(NULL);
}

static void test_bad_input(ghpackages_client *client) {
    ghpackages_owner org = {GHPACKAGES_OWNER_ORG, "octo-org"};
    ghpackages_package *package = NULL;
    ghpackages_package_list *list = NULL;
    ghpackages_package_version_list *versions = NULL;
    ghpackages_error *error = NULL;
    const ghpackages_package_type npm = GHPACKAGES_PACKAGE_TYPE_NPM;

    expect("NULL client", ghpackages_get_package(NULL, &org, npm, "x", &package, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("NULL owner", ghpackages_get_package(client, NULL, npm, "x", &package, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    ghpackages_owner nameless = {GHPACKAGES_OWNER_USER, NULL};
    expect("owner without name",
           ghpackages_get_package(client, &nameless, npm, "x", &package, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    ghpackages_owner strange = {99, "octo-org"};
    expect("owner kind out of range",
           ghpackages_get_package(client, &strange, npm, "x", &package, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    ghpackages_owner zero = {0, "octo-org"};
    expect("owner kind zero", ghpackages_get_package(client, &zero, npm, "x", &package, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    ghpackages_owner bad_owner = {GHPACKAGES_OWNER_ORG, "octo\xc3"};
    expect("owner name not UTF-8",
           ghpackages_get_package(client, &bad_owner, npm, "x", &package, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("NULL name", ghpackages_get_package(client, &org, npm, NULL, &package, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("empty name", ghpackages_get_package(client, &org, npm, "", &package, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("name not UTF-8", ghpackages_get_package(client, &org, npm, "\x80", &package, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("package type 0", ghpackages_get_package(client, &org, 0, "x", &package, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("package type 77", ghpackages_get_package(client, &org, 77, "x", &package, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("NULL out", ghpackages_get_package(client, &org, npm, "x", NULL, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    CHECK(package == NULL, "out stays NULL after bad input");

    ghpackages_status status = ghpackages_delete_package(client, &org, npm, NULL, &error);
    if (expect_keep("delete with NULL name", status, GHPACKAGES_INVALID_INPUT, &error)) {
        CHECK(error && error->argument && strcmp(error->argument, "name") == 0,
              "NULL name names its argument");
        CHECK(error && error->http_status == 0, "no HTTP status before a request");
    }
    ghpackages_error_free(error);
    error = NULL;
    expect("restore with bad token",
           ghpackages_restore_package(client, &org, npm, "x", "\xff", &error),
           GHPACKAGES_INVALID_INPUT, &error);

    ghpackages_list_packages_options negative_page = {.page = -1};
    expect("negative page",
           ghpackages_list_packages(client, &org, npm, &negative_page, &list, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    ghpackages_list_packages_options huge_page = {.page = INT64_MAX};
    expect("page past 32 bits",
           ghpackages_list_packages(client, &org, npm, &huge_page, &list, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    ghpackages_list_packages_options big_per_page = {.per_page = 101};
    expect("per_page 101",
           ghpackages_list_all_packages(client, &org, npm, &big_per_page, &list, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    ghpackages_list_packages_options too_deep = {.page = 101, .per_page = 100};
    expect("page * per_page past 10000",
           ghpackages_list_packages(client, &org, npm, &too_deep, &list, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    ghpackages_list_packages_options visibility = {.visibility = 9};
    expect("visibility out of range",
           ghpackages_list_packages(client, &org, npm, &visibility, &list, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    CHECK(list == NULL, "list stays NULL after bad input");

    ghpackages_list_versions_options state = {.state = 3};
    expect("state out of range",
           ghpackages_list_package_versions(client, &org, npm, "x", &state, &versions, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    ghpackages_list_versions_options per_page = {.per_page = -100};
    expect("negative per_page",
           ghpackages_list_all_package_versions(client, &org, npm, "x", &per_page, &versions,
                                                &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("versions with NULL out",
           ghpackages_list_package_versions(client, &org, npm, "x", NULL, NULL, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("conflicts with NULL owner",
           ghpackages_list_docker_migration_conflicts(client, NULL, &list, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("get version with NULL name",
           ghpackages_get_package_version(client, &org, npm, NULL, 1, NULL, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("delete version with bad type",
           ghpackages_delete_package_version(client, &org, 1234, "x", 1, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("restore version with NULL client",
           ghpackages_restore_package_version(NULL, &org, npm, "x", 1, &error),
           GHPACKAGES_INVALID_INPUT, &error);
}

static int list_has(const ghpackages_package_list *list, const char *name) {
    for (size_t i = 0; i < list->count; i++) {
        if (strcmp(list->items[i].name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

static int versions_have(const ghpackages_package_version_list *list, uint64_t id) {
    for (size_t i = 0; i < list->count; i++) {
        if (list->items[i].id == id) {
            return 1;
        }
    }
    return 0;
}

/* One owner family through every one of its nine operations.
 * `victim` is a version that may be deleted and `restorable` a package
 * that may be deleted; both are restored again. */
struct family {
    const char *label;
    ghpackages_owner owner;
    ghpackages_package_type package_type;
    const char *package;
    uint64_t victim;
    ghpackages_package_type restorable_type;
    const char *restorable;
    const char *conflicting;
};

static void test_family(ghpackages_client *client, const struct family *f) {
    ghpackages_error *error = NULL;
    char what[160];
#define WHAT(op) (snprintf(what, sizeof what, "%s: %s", f->label, op), what)

    /* list packages: one page, then all */
    ghpackages_package_list *list = NULL;
    if (expect(WHAT("list_packages"),
               ghpackages_list_packages(client, &f->owner, f->package_type, NULL, &list, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(list_has(list, f->package), WHAT("list_packages has the package"));
        CHECK(list->links.next == NULL, WHAT("one page only"));
        for (size_t i = 0; i < list->count; i++) {
            CHECK(list->items[i].package_type == f->package_type, WHAT("package type"));
            CHECK(list->items[i].json != NULL && list->items[i].json[0] == '{',
                  WHAT("raw JSON of a package"));
        }
    }
    ghpackages_package_list_free(list);
    list = NULL;
    if (expect(WHAT("list_all_packages"),
               ghpackages_list_all_packages(client, &f->owner, f->package_type, NULL, &list,
                                            &error),
               GHPACKAGES_OK, &error)) {
        CHECK(list_has(list, f->package), WHAT("list_all_packages has the package"));
    }
    ghpackages_package_list_free(list);

    /* get package */
    ghpackages_package *package = NULL;
    if (expect(WHAT("get_package"),
               ghpackages_get_package(client, &f->owner, f->package_type, f->package, &package,
                                      &error),
               GHPACKAGES_OK, &error)) {
        CHECK(strcmp(package->name, f->package) == 0, WHAT("package name"));
        CHECK(package->version_count > 0, WHAT("version count"));
        CHECK(package->visibility == GHPACKAGES_VISIBILITY_PUBLIC ||
                  package->visibility == GHPACKAGES_VISIBILITY_PRIVATE,
              WHAT("visibility"));
        CHECK(package->owner_login != NULL, WHAT("owner login"));
        CHECK(strstr(package->json, "\"html_url\"") != NULL, WHAT("package JSON"));
        CHECK(package->created_at != NULL && strlen(package->created_at) >= 20,
              WHAT("created_at"));
    }
    ghpackages_package_free(package);

    /* versions: a page, all, one */
    ghpackages_package_version_list *versions = NULL;
    if (expect(WHAT("list_package_versions"),
               ghpackages_list_package_versions(client, &f->owner, f->package_type, f->package,
                                                NULL, &versions, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(versions_have(versions, f->victim), WHAT("versions have the victim"));
    }
    ghpackages_package_version_list_free(versions);
    versions = NULL;
    if (expect(WHAT("list_all_package_versions"),
               ghpackages_list_all_package_versions(client, &f->owner, f->package_type,
                                                    f->package, NULL, &versions, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(versions->count >= 2, WHAT("several versions"));
        CHECK(versions->links.next == NULL && versions->links.last == NULL,
              WHAT("all-items lists have no links"));
    }
    ghpackages_package_version_list_free(versions);
    ghpackages_package_version *version = NULL;
    if (expect(WHAT("get_package_version"),
               ghpackages_get_package_version(client, &f->owner, f->package_type, f->package,
                                              f->victim, &version, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(version->id == f->victim, WHAT("version id"));
        CHECK(version->deleted_at == NULL, WHAT("not deleted"));
        CHECK(strstr(version->json, "\"package_html_url\"") != NULL, WHAT("version JSON"));
    }
    ghpackages_package_version_free(version);

    /* delete a version, see it deleted, restore it */
    expect(WHAT("delete_package_version"),
           ghpackages_delete_package_version(client, &f->owner, f->package_type, f->package,
                                             f->victim, &error),
           GHPACKAGES_OK, &error);
    versions = NULL;
    ghpackages_list_versions_options deleted = {.state = GHPACKAGES_VERSION_STATE_DELETED};
    ghpackages_status status = ghpackages_list_package_versions(
        client, &f->owner, f->package_type, f->package, &deleted, &versions, &error);
    if (f->owner.kind == GHPACKAGES_OWNER_USER) {
        /* GitHub's operation for another user's package has no state filter. */
        expect(WHAT("deleted versions of a user's package"), status, GHPACKAGES_INVALID_INPUT,
               &error);
        status = ghpackages_list_package_versions(client, &f->owner, f->package_type,
                                                  f->package, NULL, &versions, &error);
        if (expect(WHAT("active versions"), status, GHPACKAGES_OK, &error)) {
            CHECK(!versions_have(versions, f->victim), WHAT("the victim is not active"));
        }
    } else if (expect(WHAT("list deleted versions"), status, GHPACKAGES_OK, &error)) {
        CHECK(versions_have(versions, f->victim), WHAT("the victim is listed as deleted"));
    }
    ghpackages_package_version_list_free(versions);
    expect(WHAT("restore_package_version"),
           ghpackages_restore_package_version(client, &f->owner, f->package_type, f->package,
                                              f->victim, &error),
           GHPACKAGES_OK, &error);
    version = NULL;
    expect(WHAT("get restored version"),
           ghpackages_get_package_version(client, &f->owner, f->package_type, f->package,
                                          f->victim, &version, &error),
           GHPACKAGES_OK, &error);
    ghpackages_package_version_free(version);

    /* delete a package, see it gone, restore it */
    expect(WHAT("delete_package"),
           ghpackages_delete_package(client, &f->owner, f->restorable_type, f->restorable,
                                     &error),
           GHPACKAGES_OK, &error);
    package = NULL;
    expect(WHAT("get deleted package"),
           ghpackages_get_package(client, &f->owner, f->restorable_type, f->restorable,
                                  &package, &error),
           GHPACKAGES_NOT_FOUND, &error);
    CHECK(package == NULL, WHAT("no package"));
    expect(WHAT("restore_package"),
           ghpackages_restore_package(client, &f->owner, f->restorable_type, f->restorable,
                                      "package-token", &error),
           GHPACKAGES_OK, &error);
    expect(WHAT("get restored package"),
           ghpackages_get_package(client, &f->owner, f->restorable_type, f->restorable,
                                  &package, &error),
           GHPACKAGES_OK, &error);
    ghpackages_package_free(package);

    /* docker migration conflicts */
    list = NULL;
    if (expect(WHAT("list_docker_migration_conflicts"),
               ghpackages_list_docker_migration_conflicts(client, &f->owner, &list, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(list_has(list, f->conflicting), WHAT("the conflicting package is listed"));
    }
    ghpackages_package_list_free(list);
#undef WHAT
}

static void test_pagination(ghpackages_client *client) {
    ghpackages_owner org = {GHPACKAGES_OWNER_ORG, "octo-org"};
    const ghpackages_package_type container = GHPACKAGES_PACKAGE_TYPE_CONTAINER;
    ghpackages_error *error = NULL;

    /* 350 versions: every page by number until `next` is NULL, then all at once */
    ghpackages_package_version_list *all = NULL;
    ghpackages_list_versions_options hundred = {.per_page = 100};
    if (!expect("all nightly-builds versions",
                ghpackages_list_all_package_versions(client, &org, container, "nightly-builds",
                                                     &hundred, &all, &error),
                GHPACKAGES_OK, &error)) {
        return;
    }
    CHECK(all->count == 350, "350 versions in all");
    size_t seen = 0;
    int pages = 0;
    int in_order = 1;
    for (int64_t page_number = 1;; page_number++) {
        ghpackages_list_versions_options options = {.page = page_number, .per_page = 100};
        ghpackages_package_version_list *page = NULL;
        if (!expect("a page of nightly-builds",
                    ghpackages_list_package_versions(client, &org, container, "nightly-builds",
                                                     &options, &page, &error),
                    GHPACKAGES_OK, &error)) {
            break;
        }
        pages++;
        if (page_number == 1) {
            CHECK(page->links.next != NULL && strstr(page->links.next, "page=2") != NULL,
                  "first page links to the second");
            CHECK(page->links.last != NULL && strstr(page->links.last, "page=4") != NULL,
                  "first page links to the last");
            CHECK(page->links.prev == NULL, "first page has no prev");
        }
        for (size_t i = 0; i < page->count && seen + i < all->count; i++) {
            in_order &= page->items[i].id == all->items[seen + i].id;
        }
        seen += page->count;
        int last = page->links.next == NULL;
        if (last) {
            CHECK(page->links.prev != NULL && page->links.first != NULL,
                  "last page links back");
        }
        ghpackages_package_version_list_free(page);
        if (last || page_number > 10) {
            break;
        }
    }
    CHECK(pages == 4, "four pages of 100");
    CHECK(seen == 350, "pages add up to every version");
    CHECK(in_order, "pages and all-items agree on order");

    /* container tags reach C as an array */
    size_t tagged = 0;
    for (size_t i = 0; i < all->count; i++) {
        if (all->items[i].tag_count > 0) {
            CHECK(strncmp(all->items[i].tags[0], "nightly-", 8) == 0, "nightly tag");
            tagged++;
        } else {
            CHECK(all->items[i].tags == NULL, "untagged versions have no tag array");
        }
    }
    CHECK(tagged > 0 && tagged < all->count, "some versions are tagged");
    ghpackages_package_version_list_free(all);

    /* package pages with a visibility filter */
    ghpackages_list_packages_options one = {.visibility = GHPACKAGES_VISIBILITY_PRIVATE,
                                            .per_page = 1};
    ghpackages_package_list *page = NULL;
    if (expect("one private container per page",
               ghpackages_list_packages(client, &org, container, &one, &page, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(page->count == 1, "a page of one");
        CHECK(page->items[0].visibility == GHPACKAGES_VISIBILITY_PRIVATE, "private only");
        CHECK(page->links.next != NULL, "more private containers");
    }
    ghpackages_package_list_free(page);
    ghpackages_package_list *packages = NULL;
    if (expect("all private containers, one per page",
               ghpackages_list_all_packages(client, &org, container, &one, &packages, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(packages->count >= 2, "several private containers");
        CHECK(!list_has(packages, "octo-org/base-image"), "the public one is filtered out");
    }
    ghpackages_package_list_free(packages);

    /* a name with a slash */
    ghpackages_package *package = NULL;
    if (expect("container name with a slash",
               ghpackages_get_package(client, &org, container, "octo-org/base-image", &package,
                                      &error),
               GHPACKAGES_OK, &error)) {
        CHECK(strcmp(package->name, "octo-org/base-image") == 0, "slash name kept");
    }
    ghpackages_package_free(package);
}

static size_t count_of(const char *text, const char *needle) {
    size_t count = 0;
    for (const char *at = strstr(text, needle); at; at = strstr(at + 1, needle)) {
        count++;
    }
    return count;
}

static size_t version_count(ghpackages_client *client, const ghpackages_owner *owner,
                            ghpackages_package_type package_type, const char *name) {
    ghpackages_package_version_list *versions = NULL;
    ghpackages_error *error = NULL;
    size_t count = 0;
    if (expect("count versions",
               ghpackages_list_all_package_versions(client, owner, package_type, name, NULL,
                                                    &versions, &error),
               GHPACKAGES_OK, &error)) {
        count = versions->count;
    }
    ghpackages_package_version_list_free(versions);
    return count;
}

/* What the client learned from GitHub's headers. */
static void test_client_state(ghpackages_client *used) {
    ghpackages_error *error = NULL;
    ghpackages_rate_limit rate;
    char *scopes = NULL;

    ghpackages_client *fresh = new_client("ghp_demo_mona", 0, 0);
    if (expect("rate limit of a fresh client", ghpackages_client_rate_limit(fresh, &rate, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(!rate.known && rate.limit == 0, "nothing known before a response");
    }
    if (expect("scopes of a fresh client",
               ghpackages_client_token_scopes(fresh, &scopes, &error), GHPACKAGES_OK, &error)) {
        CHECK(scopes == NULL, "no scopes before a response");
    }
    ghpackages_client_free(fresh);

    if (expect("rate limit", ghpackages_client_rate_limit(used, &rate, &error), GHPACKAGES_OK,
               &error)) {
        CHECK(rate.known, "known after responses");
        CHECK(rate.limit == 5000, "GitHub's hourly budget");
        CHECK(rate.used > 0 && rate.remaining + rate.used == rate.limit, "used and remaining");
        CHECK(rate.reset_unix > 1700000000, "reset time");
    }
    if (expect("token scopes", ghpackages_client_token_scopes(used, &scopes, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(scopes != NULL && strstr(scopes, "delete:packages") != NULL, "the token's scopes");
    }
    ghpackages_string_free(scopes);

    expect("rate limit into NULL", ghpackages_client_rate_limit(used, NULL, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("rate limit of NULL", ghpackages_client_rate_limit(NULL, &rate, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("scopes into NULL", ghpackages_client_token_scopes(used, NULL, &error),
           GHPACKAGES_INVALID_INPUT, &error);
}

/* Plans a prune of the untagged versions of octo-app, executes it with a
 * journal, and undoes it from the journal. */
static void test_cleanup(ghpackages_client *client) {
    ghpackages_owner org = {GHPACKAGES_OWNER_ORG, "octo-org"};
    const ghpackages_package_type container = GHPACKAGES_PACKAGE_TYPE_CONTAINER;
    ghpackages_error *error = NULL;
    char *plan = NULL;
    char *report = NULL;

    expect("plan without a policy",
           ghpackages_plan_package_cleanup(client, &org, container, "octo-app", NULL, &plan, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("policy that is not JSON",
           ghpackages_plan_package_cleanup(client, &org, container, "octo-app", "{keep", &plan, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("policy with an unknown rule",
           ghpackages_plan_package_cleanup(client, &org, container, "octo-app", "{\"keep_all\":true}",
                                   &plan, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("plan with NULL out",
           ghpackages_plan_package_cleanup(client, &org, container, "octo-app", "{}", NULL, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("plan of a missing package",
           ghpackages_plan_package_cleanup(client, &org, container, "no-such-image", "{}", &plan, &error),
           GHPACKAGES_NOT_FOUND, &error);
    expect("execute a plan that is not one",
           ghpackages_execute_cleanup(client, &org, container, "octo-app", "[]", NULL, &report,
                                      &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("undo without a journal",
           ghpackages_undo_cleanup(client, NULL, NULL, &report, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    CHECK(plan == NULL && report == NULL, "no JSON from failed calls");

    size_t before = version_count(client, &org, container, "octo-app");
    CHECK(before == 8, "octo-app has 8 versions");
    if (!expect("plan", ghpackages_plan_package_cleanup(client, &org, container, "octo-app",
                                                "{\"tags\":\"untagged\"}", &plan, &error),
                GHPACKAGES_OK, &error)) {
        return;
    }
    CHECK(count_of(plan, "\"action\":\"delete\"") == 4, "the four untagged versions go");
    CHECK(count_of(plan, "\"action\":\"keep\"") == 4, "the four tagged versions stay");
    CHECK(version_count(client, &org, container, "octo-app") == before, "planning deletes nothing");

    char journal[] = "/tmp/ghpackages-c-journal-XXXXXX";
    int fd = mkstemp(journal);
    CHECK(fd >= 0, "journal file");
    close(fd);
    char options[128];
    snprintf(options, sizeof options, "{\"journal\":\"%s\",\"concurrency\":2}", journal);
    expect("execute options that are not JSON",
           ghpackages_execute_cleanup(client, &org, container, "octo-app", plan, "nope", &report,
                                      &error),
           GHPACKAGES_INVALID_INPUT, &error);
    if (expect("execute", ghpackages_execute_cleanup(client, &org, container, "octo-app", plan,
                                                     options, &report, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(strstr(report, "\"deleted\":4") != NULL, "four deleted");
        CHECK(strstr(report, "\"failed\":0") != NULL, "none failed");
        /* The report's fields are the core's, as Python's and Node's are. */
        const char *fields[] = {"\"target\":{",     "\"started_at\":\"", "\"finished_at\":\"",
                                "\"already_gone\":0", "\"journal\":\"",    "\"outcomes\":["};
        for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
            CHECK(strstr(report, fields[i]) != NULL, fields[i]);
        }
        CHECK(count_of(report, "\"status\":\"deleted\"") == 4, "four outcomes deleted");
    }
    ghpackages_string_free(report);
    report = NULL;
    ghpackages_string_free(plan);
    CHECK(version_count(client, &org, container, "octo-app") == before - 4, "four are gone");

    if (expect("undo", ghpackages_undo_cleanup(client, journal, NULL, &report, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(strstr(report, "\"restored\":4") != NULL, "four restored");
        CHECK(strstr(report, "\"failed\":0") != NULL, "no restore failed");
        const char *fields[] = {"\"dry_run\":false",     "\"restorable\":0",
                                "\"expired\":0",         "\"already_active\":0",
                                "\"namespace_reused\":0", "\"outcomes\":["};
        for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
            CHECK(strstr(report, fields[i]) != NULL, fields[i]);
        }
        CHECK(count_of(report, "\"status\":\"restored\"") == 4, "four outcomes restored");
    }
    ghpackages_string_free(report);
    CHECK(version_count(client, &org, container, "octo-app") == before, "all eight are back");
    unlink(journal);
    ghpackages_string_free(NULL);
}

/* Plans a prune of the untagged versions of every container package of
 * octo-org matching a glob, executes it in one run into one journal, undoes
 * it; then applies a saved plan; and refuses bad globs and plans. */
/* Progress events of a cleanup: how many, whether each is whole, and the
 * largest total.done seen. */
struct progress_seen {
    int calls;
    int well_formed;
    int last_done;
};

static void on_progress(const char *progress_json, void *data) {
    struct progress_seen *seen = data;
    seen->calls++;
    int planned = -1, done = -1;
    const char *total = strstr(progress_json, "\"total\":{");
    if (total && sscanf(total, "\"total\":{\"planned\":%d,\"done\":%d", &planned, &done) == 2 &&
        strstr(progress_json, "\"package\":\"octo-app\"") != NULL &&
        strstr(progress_json, "\"rate_per_sec\":") != NULL && strstr(progress_json, "\"eta_secs\":") != NULL) {
        seen->well_formed++;
    }
    if (done > seen->last_done) {
        seen->last_done = done;
    }
}

static void test_packages_cleanup(ghpackages_client *client) {
    ghpackages_owner org = {GHPACKAGES_OWNER_ORG, "octo-org"};
    ghpackages_owner other = {GHPACKAGES_OWNER_ORG, "other-org"};
    const ghpackages_package_type container = GHPACKAGES_PACKAGE_TYPE_CONTAINER;
    const char *untagged = "{\"tags\":\"untagged\"}";
    ghpackages_error *error = NULL;
    char *plan = NULL;
    char *report = NULL;

    expect("a bad glob",
           ghpackages_plan_packages_cleanup(client, &org, container, "[\"octo-[\"]", untagged, NULL,
                                            &plan, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("globs that match nothing",
           ghpackages_plan_packages_cleanup(client, &org, container, "[\"nope-*\"]", untagged, NULL,
                                            &plan, &error),
           GHPACKAGES_NOT_FOUND, &error);
    expect("packages that are not a JSON array",
           ghpackages_plan_packages_cleanup(client, &org, container, "octo-app", untagged, NULL,
                                            &plan, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("execute a plan that is not one",
           ghpackages_execute_packages_cleanup(client, "{}", NULL, &report, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    CHECK(plan == NULL && report == NULL, "no JSON from failed calls");

    size_t before = version_count(client, &org, container, "octo-app");
    if (!expect("plan packages",
                ghpackages_plan_packages_cleanup(client, &org, container, "[\"octo-a*\"]", untagged,
                                                 NULL, &plan, &error),
                GHPACKAGES_OK, &error)) {
        return;
    }
    CHECK(strstr(plan, "\"format_version\":1") != NULL, "the saved plan format");
    CHECK(strstr(plan, "\"package\":\"octo-app\"") != NULL, "octo-app is planned");
    CHECK(count_of(plan, "\"action\":\"delete\"") == 4, "its four untagged versions go");
    expect("apply another owner's plan",
           ghpackages_apply_cleanup_plan(client, &other, plan, NULL, &report, &error),
           GHPACKAGES_INVALID_INPUT, &error);

    char journal[] = "/tmp/ghpackages-c-packages-XXXXXX";
    int fd = mkstemp(journal);
    CHECK(fd >= 0, "journal file");
    close(fd);
    char options[128];
    snprintf(options, sizeof options, "{\"journal\":\"%s\"}", journal);
    struct progress_seen seen = {0, 0, 0};
    if (expect("execute packages",
               ghpackages_execute_packages_cleanup_with_progress(client, plan, options, on_progress, &seen,
                                                                 &report, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(strstr(report, "\"packages\":[") != NULL, "a report per package");
        CHECK(count_of(report, "\"deleted\":4") == 2, "four deleted, in the package and in total");
    }
    CHECK(seen.calls == 4, "a progress event per deletion");
    CHECK(seen.well_formed == 4, "each event has the package, the counts, the rate and the ETA");
    CHECK(seen.last_done == 4, "the last event's total.done is the deletions");
    ghpackages_string_free(report);
    report = NULL;
    CHECK(version_count(client, &org, container, "octo-app") == before - 4, "four are gone");
    if (expect("undo the run", ghpackages_undo_cleanup(client, journal, NULL, &report, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(strstr(report, "\"restored\":4") != NULL, "four restored");
    }
    ghpackages_string_free(report);
    report = NULL;

    /* The same plan, saved and applied: the four are back, unchanged, and go. */
    struct progress_seen applied = {0, 0, 0};
    if (expect("apply the saved plan",
               ghpackages_apply_cleanup_plan_with_progress(client, &org, plan, options, on_progress, &applied,
                                                           &report, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(applied.calls == 4 && applied.last_done == 4, "apply reports progress too");
        CHECK(count_of(report, "\"deleted\":4") == 2, "four deleted by the applied plan");
        CHECK(strstr(report, "\"skipped\"") == NULL, "nothing changed, nothing skipped");
    }
    ghpackages_string_free(report);
    report = NULL;
    if (expect("undo the applied plan", ghpackages_undo_cleanup(client, journal, NULL, &report, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(strstr(report, "\"restored\":4") != NULL, "four restored again");
    }
    ghpackages_string_free(report);
    report = NULL;

    /* Applied again without the check before each deletion: the same four go. */
    snprintf(options, sizeof options, "{\"journal\":\"%s\",\"check_each\":false}", journal);
    if (expect("apply the saved plan without check_each",
               ghpackages_apply_cleanup_plan(client, &org, plan, options, &report, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(count_of(report, "\"deleted\":4") == 2, "four deleted without check_each");
        CHECK(strstr(report, "\"skipped\"") == NULL, "nothing skipped without check_each");
    }
    ghpackages_string_free(report);
    report = NULL;
    expect("check_each that is not a boolean",
           ghpackages_apply_cleanup_plan(client, &org, plan, "{\"check_each\":\"yes\"}", &report, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    if (expect("undo the second applied plan", ghpackages_undo_cleanup(client, journal, NULL, &report, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(strstr(report, "\"restored\":4") != NULL, "four restored a third time");
    }
    ghpackages_string_free(report);
    report = NULL;

    /* A budget of 3 requests: three deletions, and `stopped` says one is
     * left; planned again, the next run deletes it and finishes. */
    char budgeted[192];
    snprintf(budgeted, sizeof budgeted,
             "{\"journal\":\"%s\",\"budget\":{\"max_requests\":3,\"wait_for_reset\":false}}",
             journal);
    if (expect("execute packages under a budget",
               ghpackages_execute_packages_cleanup(client, plan, budgeted, &report, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(count_of(report, "\"deleted\":3") == 2, "three deleted under a budget of 3");
        CHECK(strstr(report, "\"reason\":\"max_requests\"") != NULL, "stopped at max_requests");
        CHECK(strstr(report, "\"requests\":3") != NULL, "three requests sent");
        CHECK(strstr(report, "\"left\":1") != NULL, "one deletion left");
    }
    ghpackages_string_free(report);
    report = NULL;
    CHECK(version_count(client, &org, container, "octo-app") == before - 3, "three are gone");
    char *rest = NULL;
    if (expect("plan the rest",
               ghpackages_plan_packages_cleanup(client, &org, container, "[\"octo-a*\"]", untagged,
                                                NULL, &rest, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(count_of(rest, "\"action\":\"delete\"") == 1, "one left to delete");
        if (expect("execute the rest under the same budget",
                   ghpackages_execute_packages_cleanup(client, rest, budgeted, &report, &error),
                   GHPACKAGES_OK, &error)) {
            CHECK(count_of(report, "\"deleted\":1") == 2, "the last one deleted");
            CHECK(strstr(report, "\"stopped\"") == NULL, "the second run finished");
        }
        ghpackages_string_free(report);
        report = NULL;
    }
    ghpackages_string_free(rest);
    CHECK(version_count(client, &org, container, "octo-app") == before - 4, "the four are gone");
    if (expect("undo the budgeted runs", ghpackages_undo_cleanup(client, journal, NULL, &report, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(strstr(report, "\"restored\":4") != NULL, "four restored a fourth time");
    }
    ghpackages_string_free(report);
    report = NULL;
    CHECK(version_count(client, &org, container, "octo-app") == before, "all are back");
    unlink(journal);
    ghpackages_string_free(report);
    ghpackages_string_free(plan);
}

/* The JSON array that follows `key` in `json`, as a new string (free it). */
static char *json_array_after(const char *json, const char *key) {
    const char *start = strstr(json, key);
    if (start == NULL || (start = strchr(start, '[')) == NULL) {
        return NULL;
    }
    int depth = 0;
    const char *end = start;
    do {
        depth += (*end == '[') - (*end == ']');
        end++;
    } while (depth > 0 && *end != '\0');
    return strndup(start, (size_t)(end - start));
}

/* Rate-limit waits seen by the callback, from the library's threads. */
static pthread_mutex_t waits_lock = PTHREAD_MUTEX_INITIALIZER;
static int waits_seen;
static int waits_well_formed;

static void on_rate_limit(const char *wait_json, void *data) {
    int *calls = data;
    pthread_mutex_lock(&waits_lock);
    waits_seen++;
    (*calls)++;
    if (strstr(wait_json, "\"reason\":\"") != NULL && strstr(wait_json, "\"resume_at\":\"") != NULL &&
        strstr(wait_json, "\"wait_ms\":") != NULL) {
        waits_well_formed++;
    }
    pthread_mutex_unlock(&waits_lock);
}

/* An execution without a journal file keeps the journal in its report, and
 * undo takes it: part of it (last 1), a dry run, then the rest. Then four
 * deletions at once against a budget of two per (sped-up) minute call the
 * rate-limit callback with each wait's reason and resume time. */
static void test_undo_and_waits(ghpackages_client *client) {
    ghpackages_owner org = {GHPACKAGES_OWNER_ORG, "octo-org"};
    const ghpackages_package_type npm = GHPACKAGES_PACKAGE_TYPE_NPM;
    ghpackages_error *error = NULL;
    char *plan = NULL;
    char *report = NULL;
    if (!expect("plan npm", ghpackages_plan_package_cleanup(client, &org, npm, "hello-world-npm",
                                                    "{\"older_than\":\"1d\",\"exclude\":[{\"glob\":\"1.0.2\"}]}",
                                                    &plan, &error),
                GHPACKAGES_OK, &error)) {
        return;
    }
    if (!expect("execute without a file",
                ghpackages_execute_cleanup(client, &org, npm, "hello-world-npm", plan,
                                           "{\"journal_file\":false}", &report, &error),
                GHPACKAGES_OK, &error)) {
        ghpackages_string_free(plan);
        return;
    }
    ghpackages_string_free(plan);
    CHECK(strstr(report, "\"deleted\":3") != NULL, "three npm versions deleted");
    CHECK(strstr(report, "\"journal\":") == NULL, "no journal file");
    char *entries = json_array_after(report, "\"journal_entries\"");
    ghpackages_string_free(report);
    report = NULL;
    CHECK(entries != NULL && count_of(entries, "\"state\":\"deleted\"") == 3, "three entries");
    CHECK(entries != NULL && count_of(entries, base_url) == 6, "each entry names the server");
    if (entries == NULL) {
        return;
    }
    expect("undo entries that are not JSON",
           ghpackages_undo_cleanup_entries(client, "[{", NULL, &report, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("undo the last 0",
           ghpackages_undo_cleanup_entries(client, entries, "{\"last\":0}", &report, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    CHECK(report == NULL, "no report from failed undos");
    if (expect("undo the last one",
               ghpackages_undo_cleanup_entries(client, entries, "{\"last\":1}", &report, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(strstr(report, "\"restored\":1") != NULL, "one restored");
    }
    ghpackages_string_free(report);
    if (expect("dry run", ghpackages_undo_cleanup_entries(client, entries, "{\"dry_run\":true}",
                                                          &report, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(strstr(report, "\"restorable\":2") != NULL, "two would be restored");
        CHECK(strstr(report, "\"already_active\":1") != NULL, "one is back already");
        CHECK(count_of(report, "\"reason\":") == 3, "each says why");
    }
    ghpackages_string_free(report);
    CHECK(version_count(client, &org, npm, "hello-world-npm") == 3, "a dry run restores nothing");
    if (expect("undo the rest", ghpackages_undo_cleanup_entries(client, entries, NULL, &report,
                                                                &error),
               GHPACKAGES_OK, &error)) {
        CHECK(strstr(report, "\"restored\":2") != NULL, "two more restored");
    }
    ghpackages_string_free(report);
    report = NULL;
    free(entries);
    entries = NULL;
    CHECK(version_count(client, &org, npm, "hello-world-npm") == 5, "all five are back");

    int calls = 0;
    ghpackages_client_options options = {
        .base_url = base_url,
        .token = "ghp_demo_octocat",
        .ignore_env_token = 1,
        /* Refusals are waited out by the cleanup itself, which says so too. */
        .max_attempts = 1,
        .on_rate_limit = on_rate_limit,
        .on_rate_limit_data = &calls,
    };
    ghpackages_client *waiting = NULL;
    if (!expect("client with a rate-limit callback",
                ghpackages_client_new(&options, &waiting, &error), GHPACKAGES_OK, &error)) {
        return;
    }
    const ghpackages_package_type container = GHPACKAGES_PACKAGE_TYPE_CONTAINER;
    if (expect("plan octo-app", ghpackages_plan_package_cleanup(waiting, &org, container, "octo-app",
                                                        "{\"tags\":\"untagged\"}", &plan, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(admin("PUT", "/limits", "{\"time_factor\":60,\"points_per_minute\":10}") == 200,
              "admin: two deletions a second");
        /* No pacing: the server refuses two of the four, and says when to
         * come back. */
        if (expect("four deletions at once",
                   ghpackages_execute_cleanup(waiting, &org, container, "octo-app", plan,
                                              "{\"journal_file\":false,\"budget\":{\"points\":0}}",
                                              &report, &error),
                   GHPACKAGES_OK, &error)) {
            CHECK(strstr(report, "\"deleted\":4") != NULL, "four deleted");
            entries = json_array_after(report, "\"journal_entries\"");
        }
        CHECK(admin("PUT", "/limits", "{}") == 200, "admin: default limits");
        ghpackages_string_free(report);
        report = NULL;
        ghpackages_string_free(plan);
        if (entries != NULL &&
            expect("undo the four", ghpackages_undo_cleanup_entries(waiting, entries, NULL, &report,
                                                                    &error),
                   GHPACKAGES_OK, &error)) {
            CHECK(strstr(report, "\"restored\":4") != NULL, "four restored");
        }
        ghpackages_string_free(report);
        free(entries);
    }
    pthread_mutex_lock(&waits_lock);
    CHECK(calls > 0 && waits_seen == calls, "the callback saw the waits, with its data");
    CHECK(waits_well_formed == waits_seen, "each wait has a reason and a resume time");
    pthread_mutex_unlock(&waits_lock);
    ghpackages_client_free(waiting);
}

/* The decision about version `id` in a plan's JSON (up to the next
 * decision), as a string the caller frees, or NULL. */
static char *decision_json(const char *plan, uint64_t id) {
    char key[64];
    snprintf(key, sizeof key, "{\"version_id\":%llu,", (unsigned long long)id);
    const char *start = strstr(plan, key);
    if (start == NULL) {
        return NULL;
    }
    const char *end = strstr(start + 1, "{\"version_id\":");
    size_t length = end ? (size_t)(end - start) : strlen(start);
    char *decision = malloc(length + 1);
    if (decision != NULL) {
        memcpy(decision, start, length);
        decision[length] = '\0';
    }
    return decision;
}

/* Whether version `id`'s decision in `plan` contains `text`. */
static int decision_has(const char *plan, uint64_t id, const char *text) {
    char *decision = decision_json(plan, id);
    int has = decision != NULL && strstr(decision, text) != NULL;
    free(decision);
    return has;
}

/* Keeps what is in use in octo-web: the image 1.0.0 (index 100708 of
 * platform manifests 100706, 100707) named by tag in one file and the
 * manifest list 1.0.0-debug (100710 of 100709, 100707) by digest in another,
 * which keep_latest 1 would otherwise delete; then by keep_tags and
 * keep_digests; and bad references name their option. */
static void test_keep_in_use(ghpackages_client *client) {
    ghpackages_owner org = {GHPACKAGES_OWNER_ORG, "octo-org"};
    const ghpackages_package_type container = GHPACKAGES_PACKAGE_TYPE_CONTAINER;
    const char *policy = "{\"keep_latest\":1}";
    const char *debug_list = "sha256:c077a0d9adfbbe30b0485691cd4529c54112af3c6b66a1e3b921224f212dbec9";
    const char *host = base_url + strlen("http://");
    ghpackages_error *error = NULL;
    char *plan = NULL;

    char dir[] = "/tmp/ghpackages-c-refs-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "a directory of manifests");
    char deploy[128];
    char compose[128];
    snprintf(deploy, sizeof deploy, "%s/deploy.yaml", dir);
    snprintf(compose, sizeof compose, "%s/compose.yml", dir);
    FILE *file = fopen(deploy, "w");
    CHECK(file != NULL, "deploy.yaml");
    if (file == NULL) {
        return;
    }
    fprintf(file, "kind: Deployment\nspec:\n  image: %s/octo-org/octo-web:1.0.0\n", host);
    fclose(file);
    file = fopen(compose, "w");
    CHECK(file != NULL, "compose.yml");
    if (file == NULL) {
        return;
    }
    fprintf(file, "services:\n  web:\n    image: %s/octo-org/octo-web@%s\n", host, debug_list);
    fclose(file);

    if (expect("plan without references",
               ghpackages_plan_package_cleanup_with_options(client, &org, container, "octo-web",
                                                            policy, NULL, &plan, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(count_of(plan, "\"action\":\"delete\"") == 12, "1.0.0 and 1.0.0-debug go too");
    }
    ghpackages_string_free(plan);
    plan = NULL;

    char options[512];
    char kept_by[192];
    snprintf(options, sizeof options, "{\"keep_refs_from\":[\"%s\",\"%s\"]}", deploy, compose);
    if (expect("plan keeping the references of two files",
               ghpackages_plan_package_cleanup_with_options(client, &org, container, "octo-web",
                                                            policy, options, &plan, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(count_of(plan, "\"action\":\"delete\"") == 7, "only the orphans go");
        CHECK(decision_has(plan, 100708, "\"rule\":\"in_use\""), "1.0.0 is in use");
        snprintf(kept_by, sizeof kept_by, "\"kept_by\":[\"%s:3\"]", deploy);
        CHECK(decision_has(plan, 100708, kept_by), "1.0.0 is kept by deploy.yaml:3");
        snprintf(kept_by, sizeof kept_by, "\"kept_by\":[\"%s:3\"]", compose);
        CHECK(decision_has(plan, 100710, kept_by), "1.0.0-debug is kept by compose.yml:3");
        for (uint64_t child = 100706; child <= 100709; child++) {
            if (child != 100708) {
                CHECK(decision_has(plan, child, "\"rule\":\"index_child\""),
                      "platform manifests are kept");
            }
        }
    }
    ghpackages_string_free(plan);
    plan = NULL;

    snprintf(options, sizeof options, "{\"keep_tags\":[\"1.0.0\"],\"keep_digests\":[\"%s\"]}",
             debug_list);
    if (expect("plan keeping a tag and a digest",
               ghpackages_plan_packages_cleanup(client, &org, container, "[\"octo-web\"]", policy,
                                                options, &plan, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(decision_has(plan, 100708, "\"kept_by\":[\"keep_tags\"]"), "kept by keep_tags");
        CHECK(decision_has(plan, 100710, "\"kept_by\":[\"keep_digests\"]"),
              "kept by keep_digests");
    }
    ghpackages_string_free(plan);
    plan = NULL;

    char missing[160];
    snprintf(missing, sizeof missing, "{\"keep_refs_from\":[\"%s/missing.yaml\"]}", dir);
    const char *bad[][2] = {
        {"{\"keep_digests\":[\"sha256:abc\"]}", "keep_digests"},
        {"{\"keep_tags\":[\"a b\"]}", "keep_tags"},
        {missing, "keep_refs_from"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (expect_keep(bad[i][0],
                        ghpackages_plan_package_cleanup_with_options(
                            client, &org, container, "octo-web", policy, bad[i][0], &plan, &error),
                        GHPACKAGES_INVALID_INPUT, &error)) {
            CHECK(error->argument != NULL && strcmp(error->argument, bad[i][1]) == 0,
                  "the error names the option");
        }
        ghpackages_error_free(error);
        error = NULL;
    }
    CHECK(plan == NULL, "no plan from failed calls");
    unlink(deploy);
    unlink(compose);
    rmdir(dir);
}

/* Prunes the untagged versions of octo-web (multi-platform images, signatures,
 * orphans) with the manifest graph: exactly the seven orphans go, and the
 * graph of every remaining tag is whole. */
static void test_container_cleanup(ghpackages_client *client) {
    ghpackages_owner org = {GHPACKAGES_OWNER_ORG, "octo-org"};
    const ghpackages_package_type container = GHPACKAGES_PACKAGE_TYPE_CONTAINER;
    const char *untagged = "{\"tags\":\"untagged\"}";
    ghpackages_error *error = NULL;
    char *plan = NULL;
    char *report = NULL;

    expect("plan options with an unknown field",
           ghpackages_plan_package_cleanup_with_options(client, &org, container, "octo-web", untagged,
                                                "{\"graph\":true}", &plan, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    expect("validate without a name",
           ghpackages_validate_container(client, &org, NULL, NULL, &report, &error),
           GHPACKAGES_INVALID_INPUT, &error);
    CHECK(plan == NULL && report == NULL, "no JSON from failed calls");

    if (expect("graph-blind plan",
               ghpackages_plan_package_cleanup_with_options(client, &org, container, "octo-web", untagged,
                                                    "{\"manifest_graph\":false}", &plan, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(count_of(plan, "\"action\":\"delete\"") == 11, "without the graph, 11 go");
    }
    ghpackages_string_free(plan);
    plan = NULL;
    if (!expect("graph-aware plan",
                ghpackages_plan_package_cleanup(client, &org, container, "octo-web", untagged, &plan,
                                        &error),
                GHPACKAGES_OK, &error)) {
        return;
    }
    CHECK(count_of(plan, "\"action\":\"delete\"") == 7, "the seven orphans go");
    CHECK(strstr(plan, "\"status\":\"read\"") != NULL, "the graph was read");
    CHECK(strstr(plan, "\"rule\":\"index_child\"") != NULL, "platform manifests are kept");

    char journal[] = "/tmp/ghpackages-c-graph-journal-XXXXXX";
    int fd = mkstemp(journal);
    CHECK(fd >= 0, "journal file");
    close(fd);
    char options[128];
    snprintf(options, sizeof options, "{\"journal\":\"%s\"}", journal);
    if (expect("execute", ghpackages_execute_cleanup(client, &org, container, "octo-web", plan,
                                                     options, &report, &error),
               GHPACKAGES_OK, &error)) {
        CHECK(strstr(report, "\"deleted\":7") != NULL, "seven deleted");
    }
    ghpackages_string_free(report);
    report = NULL;
    ghpackages_string_free(plan);
    unlink(journal);

    if (expect("validate", ghpackages_validate_container(client, &org, "octo-web", NULL, &report,
                                                       &error),
               GHPACKAGES_OK, &error)) {
        CHECK(strstr(report, "\"missing\":[]") != NULL, "no manifest is missing");
        CHECK(strstr(report, "\"unreadable\":[]") != NULL, "every manifest was read");
    }
    ghpackages_string_free(report);
}

static void test_errors(ghpackages_client *client) {
    ghpackages_owner org = {GHPACKAGES_OWNER_ORG, "octo-org"};
    ghpackages_error *error = NULL;
    ghpackages_package *package = NULL;
    ghpackages_package_list *list = NULL;
    ghpackages_status status;

    /* not_found, with everything GitHub says about it */
    status = ghpackages_get_package(client, &org, GHPACKAGES_PACKAGE_TYPE_NPM, "no-such-package",
                                    &package, &error);
    if (expect_keep("not_found", status, GHPACKAGES_NOT_FOUND, &error)) {
        CHECK(error->http_status == 404, "404");
        CHECK(error->documentation_url != NULL, "documentation URL");
        CHECK(error->request_id != NULL && error->request_id[0] != '\0', "request id");
        CHECK(strstr(error->description, "no-such-package") != NULL, "description names it");
        CHECK(error->github_message != NULL &&
                  strcmp(error->github_message, "Package not found.") == 0,
              "GitHub's message in its own field");
        CHECK(!error->retryable, "404 is final");
    }
    ghpackages_error_free(error);
    error = NULL;

    /* unauthorized */
    ghpackages_client *stranger = new_client("ghp_not_a_real_token", 1, 0);
    status = ghpackages_list_packages(stranger, &org, GHPACKAGES_PACKAGE_TYPE_NPM, NULL, &list,
                                      &error);
    if (expect_keep("unauthorized", status, GHPACKAGES_UNAUTHORIZED, &error)) {
        CHECK(error->http_status == 401, "401");
        CHECK(strcmp(error->message, "Bad credentials") == 0, "GitHub's message");
    }
    ghpackages_error_free(error);
    error = NULL;
    ghpackages_client_free(stranger);

    /* forbidden: a read-only token deleting, and GitHub's download rule */
    ghpackages_client *reader = new_client("ghp_demo_octocat_readonly", 1, 0);
    status = ghpackages_delete_package_version(reader, &org, GHPACKAGES_PACKAGE_TYPE_CONTAINER,
                                               "octo-app", 100002, &error);
    if (expect_keep("forbidden without delete:packages", status, GHPACKAGES_FORBIDDEN, &error)) {
        CHECK(error->http_status == 403, "403");
    }
    ghpackages_error_free(error);
    error = NULL;
    ghpackages_client_free(reader);
    expect("forbidden: popular public package",
           ghpackages_delete_package(client, &org, GHPACKAGES_PACKAGE_TYPE_NPM, "hello-world-npm",
                                     &error),
           GHPACKAGES_FORBIDDEN, &error);

    /* validation: the last version of a package cannot be deleted */
    status = ghpackages_delete_package_version(client, &org, GHPACKAGES_PACKAGE_TYPE_NPM,
                                               "octo-config", 100026, &error);
    if (expect_keep("validation: last version", status, GHPACKAGES_VALIDATION, &error)) {
        CHECK(error->http_status == 400, "400");
    }
    ghpackages_error_free(error);
    error = NULL;

    /* conflict: the name of a deleted package was taken by a new one */
    expect("delete octo-gem",
           ghpackages_delete_package(client, &org, GHPACKAGES_PACKAGE_TYPE_RUBYGEMS, "octo-gem",
                                     &error),
           GHPACKAGES_OK, &error);
    CHECK(admin("POST", "/packages",
                "{\"owner\":\"octo-org\",\"package_type\":\"rubygems\",\"name\":\"octo-gem\","
                "\"versions\":[{\"name\":\"2.0.0\"}]}") == 201,
          "admin: a new octo-gem");
    status = ghpackages_restore_package(client, &org, GHPACKAGES_PACKAGE_TYPE_RUBYGEMS,
                                        "octo-gem", NULL, &error);
    if (expect_keep("conflict", status, GHPACKAGES_CONFLICT, &error)) {
        CHECK(error->http_status == 409, "409");
    }
    ghpackages_error_free(error);
    error = NULL;

    /* server: every request answered 503, retries off */
    ghpackages_client *once = new_client("ghp_demo_octocat", 1, 0);
    CHECK(admin("PUT", "/faults", "{\"error_rate\":1.0,\"error_statuses\":[503]}") == 200,
          "admin: 503 faults");
    status = ghpackages_get_package(once, &org, GHPACKAGES_PACKAGE_TYPE_NPM, "octo-config",
                                    &package, &error);
    if (expect_keep("server", status, GHPACKAGES_SERVER, &error)) {
        CHECK(error->http_status == 503, "503");
        CHECK(error->retryable, "503 is retryable");
    }
    ghpackages_error_free(error);
    error = NULL;

    /* transport: connections dropped without an answer, then a closed port */
    CHECK(admin("PUT", "/faults", "{\"drop_rate\":1.0}") == 200, "admin: dropped connections");
    expect("transport: dropped connection",
           ghpackages_get_package(once, &org, GHPACKAGES_PACKAGE_TYPE_NPM, "octo-config",
                                  &package, &error),
           GHPACKAGES_TRANSPORT, &error);
    int closed_port = 0;
    close(listen_loopback(&closed_port));
    char closed_url[64];
    snprintf(closed_url, sizeof closed_url, "http://127.0.0.1:%d", closed_port);
    ghpackages_client_options refused = {.base_url = closed_url, .max_attempts = 1};
    ghpackages_client *nowhere = NULL;
    expect("client for a closed port", ghpackages_client_new(&refused, &nowhere, &error),
           GHPACKAGES_OK, &error);
    status = ghpackages_list_docker_migration_conflicts(nowhere, &org, &list, &error);
    if (expect_keep("transport: connection refused", status, GHPACKAGES_TRANSPORT, &error)) {
        CHECK(error->http_status == 0, "no HTTP status without a response");
    }
    ghpackages_error_free(error);
    error = NULL;
    ghpackages_client_free(nowhere);

    /* timeout: answers slower than the client waits */
    CHECK(admin("PUT", "/faults", "{\"latency_ms\":2000}") == 200, "admin: latency");
    ghpackages_client *impatient = new_client("ghp_demo_octocat", 1, 200);
    expect("timeout",
           ghpackages_get_package(impatient, &org, GHPACKAGES_PACKAGE_TYPE_NPM, "octo-config",
                                  &package, &error),
           GHPACKAGES_TIMEOUT, &error);
    ghpackages_client_free(impatient);
    CHECK(admin("DELETE", "/faults", "") == 204, "admin: faults off");
    expect("no fault any more",
           ghpackages_get_package(once, &org, GHPACKAGES_PACKAGE_TYPE_NPM, "octo-config",
                                  &package, &error),
           GHPACKAGES_OK, &error);
    ghpackages_package_free(package);
    package = NULL;

    /* decode: a 200 answer whose JSON body is cut short */
    CHECK(admin("PUT", "/faults", "{\"malformed_rate\":1.0}") == 200, "admin: malformed bodies");
    status = ghpackages_get_package(once, &org, GHPACKAGES_PACKAGE_TYPE_NPM, "octo-config",
                                    &package, &error);
    if (expect_keep("decode", status, GHPACKAGES_DECODE, &error)) {
        CHECK(error->http_status == 200, "decode: 200");
        CHECK(!error->retryable, "an unreadable body is final");
    }
    CHECK(package == NULL, "no package from an unreadable body");
    ghpackages_error_free(error);
    error = NULL;

    /* other: a status GitHub does not answer with */
    CHECK(admin("PUT", "/faults", "{\"error_rate\":1.0,\"error_statuses\":[418]}") == 200,
          "admin: 418 faults");
    status = ghpackages_get_package(once, &org, GHPACKAGES_PACKAGE_TYPE_NPM, "octo-config",
                                    &package, &error);
    if (expect_keep("other", status, GHPACKAGES_OTHER, &error)) {
        CHECK(error->http_status == 418, "418");
        CHECK(strcmp(error->message, "I'm a teapot") == 0, "the message of the answer");
    }
    ghpackages_error_free(error);
    error = NULL;
    CHECK(admin("DELETE", "/faults", "") == 204, "admin: faults off again");
    ghpackages_client_free(once);

    /* rate_limited: a budget of two requests an hour, for a fresh user */
    CHECK(admin("PUT", "/limits", "{\"authenticated_per_hour\":2}") == 200, "admin: tight limit");
    ghpackages_client *hubot = new_client("ghp_demo_hubot", 1, 0);
    ghpackages_owner self = {GHPACKAGES_OWNER_AUTHENTICATED_USER, NULL};
    status = GHPACKAGES_OK;
    for (int i = 0; i < 5 && status == GHPACKAGES_OK; i++) {
        ghpackages_error_free(error);
        error = NULL;
        list = NULL;
        status = ghpackages_list_packages(hubot, &self, GHPACKAGES_PACKAGE_TYPE_NPM, NULL, &list,
                                          &error);
        ghpackages_package_list_free(list);
    }
    if (expect_keep("rate_limited", status, GHPACKAGES_RATE_LIMITED, &error)) {
        CHECK(error->http_status == 403 || error->http_status == 429, "403 or 429");
        CHECK(error->retryable, "rate limits pass");
    }
    ghpackages_error_free(error);
    error = NULL;
    ghpackages_client_free(hubot);
    CHECK(admin("PUT", "/limits", "{}") == 200, "admin: default limits");

    /* every error kind of the core, provoked above or in test_bad_input */
    for (int code = GHPACKAGES_NOT_FOUND; code <= GHPACKAGES_OTHER; code++) {
        CHECK(provoked[code], ghpackages_status_name(code));
    }
}

static void test_threads_worker_check(ghpackages_client *client, int *ok) {
    ghpackages_owner org = {GHPACKAGES_OWNER_ORG, "octo-org"};
    ghpackages_package *package = NULL;
    *ok = ghpackages_get_package(client, &org, GHPACKAGES_PACKAGE_TYPE_CONTAINER, "octo-app",
                                 &package, NULL) == GHPACKAGES_OK &&
          package->id == 1001;
    ghpackages_package_free(package);
}

struct worker {
    ghpackages_client *client;
    int ok;
};

static void *worker_main(void *argument) {
    struct worker *worker = argument;
    test_threads_worker_check(worker->client, &worker->ok);
    return NULL;
}

static void test_threads(ghpackages_client *client) {
    struct worker workers[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        workers[i].client = client;
        workers[i].ok = 0;
        pthread_create(&threads[i], NULL, worker_main, &workers[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        CHECK(workers[i].ok, "one client shared by threads");
    }
}

/* GitHub App authentication with the emulator's demo apps and test-only key:
 * app 1001 is installed on octo-org (4201, packages: write), app 1002 too
 * (4203, packages: read). */
#define APP_KEY_FILE "crates/ghpackages-emulator/fixtures/test-app/private-key.pem"

static ghpackages_client *app_client(ghpackages_client_options *options, const char *what,
                                     ghpackages_status want) {
    ghpackages_client *client = NULL;
    ghpackages_error *error = NULL;
    options->base_url = base_url;
    expect(what, ghpackages_client_new(options, &client, &error), want, &error);
    return client;
}

static void test_github_app(void) {
    ghpackages_owner org = {GHPACKAGES_OWNER_ORG, "octo-org"};
    ghpackages_error *error = NULL;
    ghpackages_package *package = NULL;

    ghpackages_client_options by_id = {
        .app_id = "1001", .app_private_key_path = APP_KEY_FILE, .app_installation_id = 4201};
    ghpackages_client *client = app_client(&by_id, "app client by installation id", GHPACKAGES_OK);
    expect("private package as the app's installation",
           ghpackages_get_package(client, &org, GHPACKAGES_PACKAGE_TYPE_CONTAINER, "octo-app",
                                  &package, &error),
           GHPACKAGES_OK, &error);
    CHECK(package && strcmp(package->name, "octo-app") == 0, "the app sees octo-app");
    ghpackages_package_free(package);
    package = NULL;
    ghpackages_client_free(client);

    ghpackages_client_options by_owner = {
        .app_id = "Iv1.testapp0001", .app_private_key_path = APP_KEY_FILE, .app_owner = "octo-org"};
    client = app_client(&by_owner, "app client by owner", GHPACKAGES_OK);
    expect("package list as the app's installation on octo-org",
           ghpackages_get_package(client, &org, GHPACKAGES_PACKAGE_TYPE_NPM, "octo-config",
                                  &package, &error),
           GHPACKAGES_OK, &error);
    ghpackages_package_free(package);
    package = NULL;
    ghpackages_client_free(client);

    ghpackages_client_options read_only = {
        .app_id = "1002", .app_private_key_path = APP_KEY_FILE, .app_installation_id = 4203};
    client = app_client(&read_only, "read-only app client", GHPACKAGES_OK);
    ghpackages_status status = ghpackages_delete_package_version(
        client, &org, GHPACKAGES_PACKAGE_TYPE_CONTAINER, "octo-app", 100004, &error);
    if (expect_keep("a read-only installation may not delete", status, GHPACKAGES_FORBIDDEN,
                    &error)) {
        CHECK(error && strstr(error->message, "Resource not accessible by integration") != NULL,
              "GitHub's message for a missing permission");
    }
    ghpackages_error_free(error);
    error = NULL;
    ghpackages_client_free(client);

    /* The key given as PEM text rather than as a file. */
    char pem[8192];
    FILE *key_file = fopen(APP_KEY_FILE, "r");
    CHECK(key_file != NULL, "the test key file opens");
    size_t pem_len = key_file ? fread(pem, 1, sizeof pem - 1, key_file) : 0;
    if (key_file) {
        fclose(key_file);
    }
    pem[pem_len] = '\0';
    CHECK(pem_len > 0 && strstr(pem, "PRIVATE KEY") != NULL, "the test key is PEM");
    ghpackages_client_options by_pem = {
        .app_id = "1001", .app_private_key = pem, .app_installation_id = 4201};
    client = app_client(&by_pem, "app client with the key as PEM text", GHPACKAGES_OK);
    expect("private package as the app's installation, key as PEM text",
           ghpackages_get_package(client, &org, GHPACKAGES_PACKAGE_TYPE_CONTAINER, "octo-app",
                                  &package, &error),
           GHPACKAGES_OK, &error);
    CHECK(package && strcmp(package->name, "octo-app") == 0, "the app (PEM text) sees octo-app");
    ghpackages_package_free(package);
    package = NULL;
    ghpackages_client_free(client);
    client = NULL;

    /* A path given as the PEM text: refused with a hint to give it as a path. */
    ghpackages_client_options path_as_pem = {
        .app_id = "1001", .app_private_key = APP_KEY_FILE, .app_installation_id = 4201};
    path_as_pem.base_url = base_url;
    if (expect_keep("a path given as PEM text",
                    ghpackages_client_new(&path_as_pem, &client, &error),
                    GHPACKAGES_INVALID_INPUT, &error)) {
        CHECK(error && strstr(error->message, "app_private_key_path") != NULL,
              "the hint names app_private_key_path");
        CHECK(error && strstr(error->message, "BEGIN") == NULL, "no key material in the message");
    }
    ghpackages_error_free(error);
    error = NULL;
    CHECK(client == NULL, "no client from a path given as PEM text");

    ghpackages_client_options unknown = {
        .app_id = "1001", .app_private_key_path = APP_KEY_FILE, .app_installation_id = 999};
    client = app_client(&unknown, "app client of an unknown installation", GHPACKAGES_OK);
    expect("an unknown installation is not found",
           ghpackages_get_package(client, &org, GHPACKAGES_PACKAGE_TYPE_CONTAINER, "octo-app",
                                  &package, &error),
           GHPACKAGES_NOT_FOUND, &error);
    ghpackages_client_free(client);

    ghpackages_client_options bad_key = {
        .app_id = "1001", .app_private_key = "not a key", .app_installation_id = 4201};
    ghpackages_client_options both = {.app_id = "1001",
                                      .app_private_key_path = APP_KEY_FILE,
                                      .app_installation_id = 4201,
                                      .app_owner = "octo-org"};
    ghpackages_client_options no_key = {.app_id = "1001", .app_installation_id = 4201};
    ghpackages_client_options negative = {
        .app_id = "1001", .app_private_key_path = APP_KEY_FILE, .app_installation_id = -1};
    ghpackages_client_options with_token = {.token = "ghp_demo_octocat",
                                            .app_id = "1001",
                                            .app_private_key_path = APP_KEY_FILE,
                                            .app_installation_id = 4201};
    CHECK(app_client(&bad_key, "a bad private key", GHPACKAGES_INVALID_INPUT) == NULL,
          "no client with a bad key");
    CHECK(app_client(&both, "installation id and owner", GHPACKAGES_INVALID_INPUT) == NULL,
          "no client with both");
    CHECK(app_client(&no_key, "an app without a key", GHPACKAGES_INVALID_INPUT) == NULL,
          "no client without a key");
    CHECK(app_client(&negative, "a negative installation id", GHPACKAGES_INVALID_INPUT) == NULL,
          "no client with a negative id");
    CHECK(app_client(&with_token, "a token and an app", GHPACKAGES_INVALID_INPUT) == NULL,
          "no client with both a token and an app");
}

int main(void) {
    base_url = getenv("GHPACKAGES_BASE_URL");
    admin_token = getenv("GHPACKAGES_EMULATOR_ADMIN_TOKEN");
    if (admin_token == NULL) {
        admin_token = "emulator-admin";
    }
    if (base_url == NULL || sscanf(base_url, "http://127.0.0.1:%d", &emulator_port) != 1) {
        fprintf(stderr, "set GHPACKAGES_BASE_URL to the emulator's http://127.0.0.1:PORT\n");
        return 2;
    }

    test_env_token();
    test_status_names();
    test_client_options();

    ghpackages_client *octocat = new_client("ghp_demo_octocat", 0, 0);
    test_bad_input(octocat);

    const struct family families[] = {
        {"org", {GHPACKAGES_OWNER_ORG, "octo-org"}, GHPACKAGES_PACKAGE_TYPE_CONTAINER,
         "octo-app", 100002, GHPACKAGES_PACKAGE_TYPE_NUGET, "Octo.Client", "legacy-app"},
        {"user", {GHPACKAGES_OWNER_USER, "octocat"}, GHPACKAGES_PACKAGE_TYPE_NPM,
         "octo-scratch", 100035, GHPACKAGES_PACKAGE_TYPE_NPM, "octo-scratch",
         "hello_docker_legacy"},
        {"authenticated user", {GHPACKAGES_OWNER_AUTHENTICATED_USER, NULL},
         GHPACKAGES_PACKAGE_TYPE_CONTAINER, "hello_docker", 100031,
         GHPACKAGES_PACKAGE_TYPE_MAVEN, "com.octocat.tools", "hello_docker_legacy"},
    };
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        test_family(octocat, &families[i]);
    }

    test_client_state(octocat);
    test_pagination(octocat);
    test_cleanup(octocat);
    test_packages_cleanup(octocat);
    test_keep_in_use(octocat);
    test_container_cleanup(octocat);
    test_threads(octocat);
    test_errors(octocat);
    test_undo_and_waits(octocat);
    test_github_app();

    ghpackages_client_free(octocat);
    ghpackages_shutdown();

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
