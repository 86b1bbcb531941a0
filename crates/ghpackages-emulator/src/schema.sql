CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind TEXT NOT NULL CHECK (kind IN ('User', 'Organization')),
    name TEXT,
    site_admin INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS memberships (
    org_id INTEGER NOT NULL REFERENCES accounts(id),
    user_id INTEGER NOT NULL REFERENCES accounts(id),
    role TEXT NOT NULL CHECK (role IN ('member', 'admin')),
    PRIMARY KEY (org_id, user_id)
);

CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES accounts(id),
    scopes TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS repositories (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL COLLATE NOCASE,
    private INTEGER NOT NULL DEFAULT 0,
    description TEXT,
    UNIQUE (owner_id, name)
);

CREATE TABLE IF NOT EXISTS packages (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES accounts(id),
    package_type TEXT NOT NULL,
    name TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
    repository_id INTEGER REFERENCES repositories(id),
    version_count INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER,
    docker_conflict INTEGER NOT NULL DEFAULT 0
);

-- One live package per namespace (deleted ones keep their name so they can be
-- restored while the namespace stays free).
CREATE UNIQUE INDEX IF NOT EXISTS packages_live_namespace
    ON packages (owner_id, package_type, name) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS packages_namespace ON packages (owner_id, package_type, name);

-- Roles granted to users on one package (GitHub's package collaborators).
CREATE TABLE IF NOT EXISTS package_roles (
    package_id INTEGER NOT NULL REFERENCES packages(id),
    user_id INTEGER NOT NULL REFERENCES accounts(id),
    role TEXT NOT NULL CHECK (role IN ('read', 'write', 'admin')),
    PRIMARY KEY (package_id, user_id)
);

CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    package_id INTEGER NOT NULL REFERENCES packages(id),
    name TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    downloads INTEGER NOT NULL DEFAULT 0,
    license TEXT,
    description TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
);

CREATE INDEX IF NOT EXISTS versions_by_package
    ON versions (package_id, created_at DESC, id DESC);
-- Lists and counts of active versions (deleted_at IS NULL) read this index
-- alone, in page order: without it every page read the table row of every
-- version before it to check deleted_at.
CREATE INDEX IF NOT EXISTS versions_by_state
    ON versions (package_id, deleted_at, created_at DESC, id DESC);

-- The registry side of container versions: the manifest served for a
-- version (no row: a plain single-platform image; NULL body: unreadable).
CREATE TABLE IF NOT EXISTS manifests (
    version_id INTEGER PRIMARY KEY,
    media_type TEXT NOT NULL,
    body TEXT
);

-- Registry tokens handed out by /token: the user (NULL: anonymous), the
-- one repository they grant pulls of, and when they expire (emulator clock).
CREATE TABLE IF NOT EXISTS registry_tokens (
    token TEXT PRIMARY KEY,
    user_id INTEGER,
    repository TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

-- GitHub Apps, their installations and the installation tokens handed out
-- (expires_at on the emulator clock).
CREATE TABLE IF NOT EXISTS apps (
    id INTEGER PRIMARY KEY,
    client_id TEXT UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    public_key TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS installations (
    id INTEGER PRIMARY KEY,
    app_id INTEGER NOT NULL REFERENCES apps(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    permissions TEXT NOT NULL,
    repository_selection TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- Installation tokens handed out so far, for the admin API.
    tokens_issued INTEGER NOT NULL DEFAULT 0,
    UNIQUE (app_id, account_id)
);

CREATE TABLE IF NOT EXISTS installation_tokens (
    token TEXT PRIMARY KEY,
    installation_id INTEGER NOT NULL REFERENCES installations(id),
    expires_at INTEGER NOT NULL
);

-- GitHub Actions' GITHUB_TOKEN of a workflow run: an installation token of
-- the GitHub Actions app scoped to one repository, with the workflow's
-- `packages` permission (NULL: none). It lasts as long as the fixture does.
CREATE TABLE IF NOT EXISTS actions_tokens (
    token TEXT PRIMARY KEY,
    repository_id INTEGER NOT NULL REFERENCES repositories(id),
    packages TEXT CHECK (packages IN ('read', 'write'))
);

-- The repository of the Actions token a registry token was handed out for.
CREATE TABLE IF NOT EXISTS registry_actions_grants (
    token TEXT PRIMARY KEY,
    repository_id INTEGER NOT NULL
);

-- Roles given to repositories in a package's Manage Actions access settings
-- (for the repositories' GITHUB_TOKEN); a package's linked repository has
-- admin unless a row here says otherwise.
CREATE TABLE IF NOT EXISTS package_actions_access (
    package_id INTEGER NOT NULL REFERENCES packages(id),
    repository_id INTEGER NOT NULL REFERENCES repositories(id),
    role TEXT NOT NULL CHECK (role IN ('read', 'write', 'admin')),
    PRIMARY KEY (package_id, repository_id)
);
