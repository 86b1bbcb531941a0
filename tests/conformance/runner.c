/* Conformance runner for C: reads one request per line on stdin (tab-separated
 * key=value pairs, written by run.py), makes the call through the C API of
 * libghpackages, and writes the outcome on stdout as one line:
 *   ok none | ok ids=1,2<TAB>next=0<TAB>... | ok id=1<TAB>name=x |
 *   ok delete=1,2 | error kind=K<TAB>status=N<TAB>argument=A<TAB>github_message=M |
 *   skip REASON
 * run.py compares the outcome with the case's expectation. */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ghpackages.h"

#define MAX_FIELDS 32

struct request {
    char *keys[MAX_FIELDS];
    char *values[MAX_FIELDS];
    int count;
};

static const char *get(const struct request *r, const char *key) {
    for (int i = 0; i < r->count; i++) {
        if (strcmp(r->keys[i], key) == 0) return r->values[i];
    }
    return NULL;
}

static int64_t number(const struct request *r, const char *key) {
    const char *value = get(r, key);
    return value ? strtoll(value, NULL, 10) : 0;
}

/* Splits `line` in place; `\n` inside a value stands for a newline. */
static void parse(char *line, struct request *r) {
    r->count = 0;
    for (char *field = strtok(line, "\t\n"); field && r->count < MAX_FIELDS;
         field = strtok(NULL, "\t\n")) {
        char *eq = strchr(field, '=');
        if (!eq) continue;
        *eq = '\0';
        char *value = eq + 1, *out = value;
        for (char *in = value; *in; in++) {
            if (in[0] == '\\' && in[1] == 'n') {
                *out++ = '\n';
                in++;
            } else {
                *out++ = *in;
            }
        }
        *out = '\0';
        r->keys[r->count] = field;
        r->values[r->count] = value;
        r->count++;
    }
}

static ghpackages_package_type package_type(const char *name) {
    for (ghpackages_package_type t = 1; name && t <= GHPACKAGES_PACKAGE_TYPE_COUNT; t++) {
        if (strcmp(ghpackages_package_type_name(t), name) == 0) return t;
    }
    return 0; /* no package type: the library answers invalid_input */
}

static ghpackages_visibility visibility(const char *name) {
    static const char *names[] = {"public", "private", "internal"};
    if (!name) return GHPACKAGES_VISIBILITY_ANY;
    for (unsigned i = 0; i < 3; i++) {
        if (strcmp(names[i], name) == 0) return i + 1;
    }
    return 99; /* an unknown visibility: invalid_input */
}

static ghpackages_version_state state(const char *name) {
    if (!name) return GHPACKAGES_VERSION_STATE_DEFAULT;
    if (strcmp(name, "active") == 0) return GHPACKAGES_VERSION_STATE_ACTIVE;
    if (strcmp(name, "deleted") == 0) return GHPACKAGES_VERSION_STATE_DELETED;
    return 99;
}

static void print_error(ghpackages_error *error) {
    printf("error kind=%s", ghpackages_status_name(error->code));
    if (error->http_status) printf("\tstatus=%u", (unsigned)error->http_status);
    if (error->argument) printf("\targument=%s", error->argument);
    if (error->github_message) printf("\tgithub_message=%s", error->github_message);
    printf("\n");
    ghpackages_error_free(error);
}

static void print_links(const ghpackages_links *links) {
    printf("\tnext=%d\tprev=%d\tfirst=%d\tlast=%d", links->next != NULL, links->prev != NULL,
           links->first != NULL, links->last != NULL);
}

static void print_packages(ghpackages_package_list *list, int with_links) {
    printf("ok ids=");
    for (size_t i = 0; i < list->count; i++) printf("%s%" PRIu64, i ? "," : "", list->items[i].id);
    if (with_links) print_links(&list->links);
    printf("\n");
    ghpackages_package_list_free(list);
}

static void print_versions(ghpackages_package_version_list *list, int with_links) {
    printf("ok ids=");
    for (size_t i = 0; i < list->count; i++) printf("%s%" PRIu64, i ? "," : "", list->items[i].id);
    if (with_links) print_links(&list->links);
    printf("\n");
    ghpackages_package_version_list_free(list);
}

/* The ids the plan deletes. The plan is the library's own JSON: each
 * decision names its "version_id" before its "action". */
static void print_plan(char *plan) {
    printf("ok delete=");
    int first = 1;
    for (char *at = strstr(plan, "\"version_id\":"); at; at = strstr(at + 1, "\"version_id\":")) {
        uint64_t id = strtoull(at + strlen("\"version_id\":"), NULL, 10);
        char *action = strstr(at, "\"action\":\"");
        if (action && strncmp(action + strlen("\"action\":\""), "delete", 6) == 0) {
            printf("%s%" PRIu64, first ? "" : ",", id);
            first = 0;
        }
    }
    printf("\n");
    ghpackages_string_free(plan);
}

static void run(const struct request *r) {
    const char *op = get(r, "op");
    const char *kind = get(r, "owner_kind");
    ghpackages_owner owner = {GHPACKAGES_OWNER_AUTHENTICATED_USER, NULL};
    if (strcmp(kind, "org") == 0) owner = (ghpackages_owner){GHPACKAGES_OWNER_ORG, get(r, "owner")};
    if (strcmp(kind, "user") == 0) owner = (ghpackages_owner){GHPACKAGES_OWNER_USER, get(r, "owner")};

    if (strncmp(op, "stream_", 7) == 0) {
        printf("skip the C API has no streams\n");
        return;
    }

    ghpackages_client_options options;
    memset(&options, 0, sizeof options);
    options.base_url = get(r, "base_url");
    options.token = get(r, "auth");
    options.ignore_env_token = 1;
    options.max_attempts = (int32_t)number(r, "max_attempts");
    options.timeout_ms = number(r, "timeout_ms");
    ghpackages_client *client = NULL;
    ghpackages_error *error = NULL;
    if (ghpackages_client_new(&options, &client, &error) != GHPACKAGES_OK) {
        print_error(error);
        return;
    }

    ghpackages_package_type type = package_type(get(r, "package_type"));
    const char *name = get(r, "package_name");
    uint64_t version_id = (uint64_t)number(r, "version_id");
    ghpackages_list_packages_options package_options = {visibility(get(r, "visibility")),
                                                        number(r, "page"), number(r, "per_page")};
    ghpackages_list_versions_options version_options = {state(get(r, "state")), number(r, "page"),
                                                        number(r, "per_page")};
    ghpackages_status status = GHPACKAGES_OK;
    ghpackages_package_list *packages = NULL;
    ghpackages_package_version_list *versions = NULL;
    ghpackages_package *package = NULL;
    ghpackages_package_version *version = NULL;
    char *plan = NULL;

    if (strcmp(op, "list_packages") == 0) {
        status = ghpackages_list_packages(client, &owner, type, &package_options, &packages, &error);
        if (status == GHPACKAGES_OK) print_packages(packages, 1);
    } else if (strcmp(op, "list_all_packages") == 0) {
        status = ghpackages_list_all_packages(client, &owner, type, &package_options, &packages, &error);
        if (status == GHPACKAGES_OK) print_packages(packages, 0);
    } else if (strcmp(op, "get_package") == 0) {
        status = ghpackages_get_package(client, &owner, type, name, &package, &error);
        if (status == GHPACKAGES_OK) {
            printf("ok id=%" PRIu64 "\tname=%s\n", package->id, package->name);
            ghpackages_package_free(package);
        }
    } else if (strcmp(op, "delete_package") == 0) {
        status = ghpackages_delete_package(client, &owner, type, name, &error);
        if (status == GHPACKAGES_OK) printf("ok none\n");
    } else if (strcmp(op, "restore_package") == 0) {
        status = ghpackages_restore_package(client, &owner, type, name, get(r, "token"), &error);
        if (status == GHPACKAGES_OK) printf("ok none\n");
    } else if (strcmp(op, "list_package_versions") == 0) {
        status = ghpackages_list_package_versions(client, &owner, type, name, &version_options,
                                                  &versions, &error);
        if (status == GHPACKAGES_OK) print_versions(versions, 1);
    } else if (strcmp(op, "list_all_package_versions") == 0) {
        status = ghpackages_list_all_package_versions(client, &owner, type, name, &version_options,
                                                      &versions, &error);
        if (status == GHPACKAGES_OK) print_versions(versions, 0);
    } else if (strcmp(op, "get_package_version") == 0) {
        status = ghpackages_get_package_version(client, &owner, type, name, version_id, &version,
                                                &error);
        if (status == GHPACKAGES_OK) {
            printf("ok id=%" PRIu64 "\tname=%s\n", version->id, version->name);
            ghpackages_package_version_free(version);
        }
    } else if (strcmp(op, "delete_package_version") == 0) {
        status = ghpackages_delete_package_version(client, &owner, type, name, version_id, &error);
        if (status == GHPACKAGES_OK) printf("ok none\n");
    } else if (strcmp(op, "restore_package_version") == 0) {
        status = ghpackages_restore_package_version(client, &owner, type, name, version_id, &error);
        if (status == GHPACKAGES_OK) printf("ok none\n");
    } else if (strcmp(op, "list_docker_migration_conflicts") == 0) {
        status = ghpackages_list_docker_migration_conflicts(client, &owner, &packages, &error);
        if (status == GHPACKAGES_OK) print_packages(packages, 0);
    } else if (strcmp(op, "plan_cleanup") == 0) {
        status = ghpackages_plan_package_cleanup_with_options(client, &owner, type, name, get(r, "policy"),
                                                              get(r, "options_json"), &plan, &error);
        if (status == GHPACKAGES_OK) print_plan(plan);
    } else {
        printf("error kind=unknown_operation_%s\n", op);
    }
    if (status != GHPACKAGES_OK) print_error(error);
    ghpackages_client_free(client);
}

int main(void) {
    static char line[1 << 16];
    struct request request;
    while (fgets(line, sizeof line, stdin)) {
        parse(line, &request);
        run(&request);
        fflush(stdout);
    }
    return 0;
}
