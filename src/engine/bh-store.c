/* bh-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-store"

#include "config.h"

#include <glib/gstdio.h>

#include "bh-error.h"
#include "bh-i18n.h"
#include "bh-store.h"

/*
 * The store is one SQLite file, backhaul.db, in the data folder.
 *
 * Its schema version is PRAGMA user_version. Each entry of migrations[]
 * takes the store from version N to N + 1 inside one transaction, so a
 * store is always at a version this file knows. A store whose version is
 * higher than ours was written by a newer Backhaul and is refused before
 * anything is written to it.
 */

struct _BhStore
{
  GObject  parent_instance;

  char    *data_dir;
  char    *path;
  sqlite3 *db;
  int      version;
};

G_DEFINE_FINAL_TYPE (BhStore, bh_store, G_TYPE_OBJECT)

static const char * const migrations[] = {
  /* 0 → 1: the venue's data as the import stores it. */
  "CREATE TABLE setting ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT"
  ") WITHOUT ROWID;"
  "CREATE TABLE customer ("
  "  id           INTEGER PRIMARY KEY,"
  "  ext_id       TEXT NOT NULL UNIQUE,"
  "  salutation   TEXT,"
  "  first_name   TEXT,"
  "  last_name    TEXT,"
  "  street       TEXT,"
  "  house_number TEXT,"
  "  post_code    TEXT,"
  "  city         TEXT,"
  "  country      TEXT,"
  "  email        TEXT,"
  "  opt_out      INTEGER NOT NULL DEFAULT 0,"
  "  extra        TEXT" /* JSON object of the columns we do not know */
  ");"
  "CREATE TABLE event ("
  "  id       INTEGER PRIMARY KEY,"
  "  ext_id   TEXT NOT NULL UNIQUE,"
  "  title    TEXT NOT NULL,"
  "  date     TEXT NOT NULL," /* YYYY-MM-DD */
  "  time     TEXT,"          /* HH:MM */
  "  venue    TEXT,"
  "  hall     TEXT,"
  "  city     TEXT,"
  "  capacity INTEGER,"
  "  series   TEXT"
  ");"
  "CREATE TABLE aspect ("
  "  id    INTEGER PRIMARY KEY,"
  "  kind  TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  UNIQUE (kind, value)"
  ");"
  "CREATE TABLE event_aspect ("
  "  event_id  INTEGER NOT NULL REFERENCES event (id) ON DELETE CASCADE,"
  "  aspect_id INTEGER NOT NULL REFERENCES aspect (id),"
  "  PRIMARY KEY (event_id, aspect_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE category ("
  "  id   INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE"
  ");"
  /* A sale's rowid is a 63-bit hash of its identity, so that re-importing
   * the same row finds it without a second index. customer_id and
   * event_id carry no REFERENCES clause: the import checks every
   * reference in memory before it writes (it must, to name the line of a
   * bad one), and a per-row foreign key lookup would halve import speed.
   * ext_id holds the sale_id of files that have one; it is the sale's
   * identity then, and lets a later import tell a hash collision apart.
   * invoice has no declared type so that "00123" stays text while plain
   * numbers are stored as integers. */
  "CREATE TABLE sale ("
  "  id          INTEGER PRIMARY KEY,"
  "  customer_id INTEGER," /* NULL for anonymous sales */
  "  event_id    INTEGER NOT NULL,"
  "  purchased   INTEGER NOT NULL," /* Unix time, seconds */
  "  category_id INTEGER," /* NULL if the file names none */
  "  quantity    INTEGER NOT NULL,"
  "  price       INTEGER," /* per ticket, in cents */
  "  base_price  INTEGER," /* per ticket, in cents */
  "  currency    TEXT,"    /* ISO 4217; NULL means EUR */
  "  invoice,"
  "  ext_id      TEXT" /* sale_id, if the files have that column */
  ");"
  "CREATE TABLE import ("
  "  id       INTEGER PRIMARY KEY,"
  "  started  INTEGER NOT NULL,"
  "  finished INTEGER NOT NULL,"
  "  files    TEXT NOT NULL," /* JSON array of paths */
  "  counts   TEXT NOT NULL"  /* JSON: kind → added, changed, unchanged */
  ");",

  /* 1 → 2: packages and their members. */
  "CREATE TABLE package ("
  "  id         INTEGER PRIMARY KEY,"
  "  title      TEXT NOT NULL,"
  "  definition TEXT NOT NULL," /* JSON */
  "  status     INTEGER NOT NULL,"
  "  created    INTEGER NOT NULL,"
  "  built      INTEGER,"
  "  expires    INTEGER,"
  "  failure    TEXT,"
  "  result     TEXT," /* JSON: counts, exclusions, clusters, figures */
  "  merge_id   INTEGER" /* the latest merge it took part in, or NULL */
  ");"
  "CREATE TABLE member ("
  "  package_id  INTEGER NOT NULL REFERENCES package (id) ON DELETE CASCADE,"
  "  customer_id INTEGER NOT NULL,"
  "  cluster     INTEGER NOT NULL,"
  "  score       REAL NOT NULL,"
  "  why         TEXT,"
  "  PRIMARY KEY (package_id, customer_id)"
  ") WITHOUT ROWID;"
  /* A merge keeps what it changed until it can no longer be undone:
   * each package's result and merge id from before, and the member rows
   * it removed. closed says why undo is no longer possible; the kept
   * rows are deleted when it is set. */
  "CREATE TABLE merge ("
  "  id       INTEGER PRIMARY KEY,"
  "  created  INTEGER NOT NULL,"
  "  packages TEXT NOT NULL," /* JSON array of package ids */
  "  closed   TEXT"
  ");"
  "CREATE TABLE merge_package ("
  "  merge_id       INTEGER NOT NULL REFERENCES merge (id) ON DELETE CASCADE,"
  "  package_id     INTEGER NOT NULL,"
  "  result         TEXT,"
  "  prior_merge_id INTEGER,"
  "  PRIMARY KEY (merge_id, package_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE merge_member ("
  "  merge_id    INTEGER NOT NULL REFERENCES merge (id) ON DELETE CASCADE,"
  "  package_id  INTEGER NOT NULL,"
  "  customer_id INTEGER NOT NULL,"
  "  cluster     INTEGER NOT NULL,"
  "  score       REAL NOT NULL,"
  "  why         TEXT,"
  "  PRIMARY KEY (merge_id, package_id, customer_id)"
  ") WITHOUT ROWID;",

  /* 2 → 3: a merge keeps the member rows it removed from a package as
   * one record (see bh-engine-merge.c) instead of a row a member, which
   * took much of a merge's time. What older merges kept cannot be read
   * any more, so they can no longer be undone. The reason is English
   * here and translated where it is shown (bh-engine-merge.c). */
  "UPDATE merge SET closed = 'the store was upgraded' WHERE closed IS NULL;"
  "DELETE FROM merge_package;"
  "DROP TABLE merge_member;"
  "CREATE TABLE merge_member ("
  "  merge_id   INTEGER NOT NULL REFERENCES merge (id) ON DELETE CASCADE,"
  "  package_id INTEGER NOT NULL,"
  "  members    BLOB NOT NULL,"
  "  PRIMARY KEY (merge_id, package_id)"
  ") WITHOUT ROWID;",
};

int
bh_store_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

char *
bh_store_default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "backhaul", NULL);
}

static void
bh_store_finalize (GObject *object)
{
  BhStore *self = (BhStore *)object;

  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (bh_store_parent_class)->finalize (object);
}

static void
bh_store_class_init (BhStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bh_store_finalize;
}

static void
bh_store_init (BhStore *self)
{
}

void
bh_store_set_error (BhStore     *self,
                    GError     **error,
                    const char  *what)
{
  g_return_if_fail (BH_IS_STORE (self));

  g_set_error (error, BH_ERROR, BH_ERROR_STORE,
               "%s: %s (%s)", what, sqlite3_errmsg (self->db), self->path);
}

gboolean
bh_store_exec (BhStore     *self,
               const char  *sql,
               GError     **error)
{
  char *message = NULL;

  g_return_val_if_fail (BH_IS_STORE (self), FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_STORE,
                   _("The store at %s failed: %s"),
                   self->path, message ? message : _("unknown error"));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

sqlite3_stmt *
bh_store_prepare (BhStore     *self,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  g_return_val_if_fail (BH_IS_STORE (self), NULL);

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      bh_store_set_error (self, error, _("Could not prepare a query"));
      return NULL;
    }

  return stmt;
}

gboolean
bh_store_begin (BhStore  *self,
                GError  **error)
{
  return bh_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
bh_store_commit (BhStore  *self,
                 GError  **error)
{
  return bh_store_exec (self, "COMMIT", error);
}

void
bh_store_rollback (BhStore *self)
{
  g_return_if_fail (BH_IS_STORE (self));

  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

gint64
bh_store_query_int (BhStore    *self,
                    const char *sql,
                    gint64      fallback)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (BH_IS_STORE (self), fallback);

  if (!(stmt = bh_store_prepare (self, sql, NULL)))
    return fallback;

  if (sqlite3_step (stmt) != SQLITE_ROW ||
      sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return fallback;

  return sqlite3_column_int64 (stmt, 0);
}

char *
bh_store_get_setting (BhStore    *self,
                      const char *key)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (BH_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (!(stmt = bh_store_prepare (self, "SELECT value FROM setting WHERE key = ?", NULL)))
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);

  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;

  return g_strdup ((const char *)sqlite3_column_text (stmt, 0));
}

gboolean
bh_store_set_setting (BhStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (BH_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!(stmt = bh_store_prepare (self,
                                 "INSERT INTO setting (key, value) VALUES (?, ?) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                 error)))
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      bh_store_set_error (self, error, _("Could not save a setting"));
      return FALSE;
    }

  return TRUE;
}

/**
 * bh_store_get_data_generation:
 * @self: a store
 *
 * A number that changes whenever the venue's data (customers, events,
 * aspects, categories, sales) changes: every import increments it in its
 * own transaction. The snapshot cache is valid only for the generation it
 * was written at.
 *
 * Returns: the data generation, 0 for a store nothing was imported into
 */
gint64
bh_store_get_data_generation (BhStore *self)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (BH_IS_STORE (self), 0);

  text = bh_store_get_setting (self, "data-generation");

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
}

/**
 * bh_store_bump_data_generation:
 * @self: a store, inside a write transaction
 * @error: return location for a #GError
 *
 * Increments the data generation. Call it in the transaction that changes
 * the data, so that a rollback leaves the generation as it was.
 *
 * Returns: %TRUE on success
 */
gboolean
bh_store_bump_data_generation (BhStore  *self,
                               GError  **error)
{
  g_return_val_if_fail (BH_IS_STORE (self), FALSE);
  g_return_val_if_fail (!sqlite3_get_autocommit (self->db), FALSE);

  return bh_store_exec (self,
                        "INSERT INTO setting (key, value) VALUES ('data-generation', '1') "
                        "ON CONFLICT (key) DO UPDATE "
                        "SET value = CAST (CAST (value AS INTEGER) + 1 AS TEXT)",
                        error);
}

static gboolean
bh_store_migrate (BhStore  *self,
                  int       target,
                  GError  **error)
{
  g_assert (BH_IS_STORE (self));
  g_assert (target <= (int)G_N_ELEMENTS (migrations));

  while (self->version < target)
    {
      g_autofree char *bump = NULL;
      int next = self->version + 1;

      g_debug ("Migrating store schema from version %d to %d", self->version, next);

      bump = g_strdup_printf ("PRAGMA user_version = %d", next);

      if (!bh_store_begin (self, error))
        return FALSE;

      if (!bh_store_exec (self, migrations[self->version], error) ||
          !bh_store_exec (self, bump, error) ||
          !bh_store_commit (self, error))
        {
          bh_store_rollback (self);
          return FALSE;
        }

      self->version = next;
    }

  return TRUE;
}

/**
 * bh_store_open_at_version:
 * @data_dir: the folder that holds backhaul.db; created if missing
 * @version: the schema version to migrate to, at most the current one
 * @error: return location for a #GError
 *
 * Opens the store and brings it to @version. Only tests use a @version
 * other than %BH_STORE_SCHEMA_VERSION, to make stores of older versions.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
BhStore *
bh_store_open_at_version (const char  *data_dir,
                          int          version,
                          GError     **error)
{
  g_autoptr(BhStore) self = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int found;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (version >= 0 && version <= BH_STORE_SCHEMA_VERSION, NULL);

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not create the data folder %s: %s"),
                   data_dir, g_strerror (errsv));
      return NULL;
    }

  self = g_object_new (BH_TYPE_STORE, NULL);
  self->data_dir = g_strdup (data_dir);
  self->path = g_build_filename (data_dir, "backhaul.db", NULL);

  if (sqlite3_open_v2 (self->path, &self->db, flags, NULL) != SQLITE_OK)
    {
      bh_store_set_error (self, error, _("Could not open the store"));
      return NULL;
    }

  sqlite3_busy_timeout (self->db, 10000);

  found = (int)bh_store_query_int (self, "PRAGMA user_version", -1);
  if (found < 0)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_STORE,
                   _("%s is not a Backhaul store: %s"),
                   self->path, sqlite3_errmsg (self->db));
      return NULL;
    }

  if (found > BH_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_STORE_TOO_NEW,
                   _("The store %s was written by a newer version of Backhaul "
                     "(schema version %d; this version knows up to %d). "
                     "It was not opened and nothing in it was changed; "
                     "update Backhaul to use it."),
                   self->path, found, BH_STORE_SCHEMA_VERSION);
      return NULL;
    }

  /* Deleted member lists must not linger in free pages of the file:
   * secure_delete overwrites them. temp_store keeps sort spills and
   * temporary tables in memory so no customer data reaches /tmp. */
  if (!bh_store_exec (self,
                      "PRAGMA journal_mode = WAL;"
                      "PRAGMA synchronous = NORMAL;"
                      "PRAGMA foreign_keys = ON;"
                      "PRAGMA secure_delete = ON;"
                      "PRAGMA temp_store = MEMORY;"
                      "PRAGMA cache_size = -131072;",
                      error))
    return NULL;

  self->version = found;

  if (found < version && !bh_store_migrate (self, version, error))
    return NULL;

  g_debug ("Opened store %s at schema version %d", self->path, self->version);

  return g_steal_pointer (&self);
}

/**
 * bh_store_open:
 * @data_dir: the folder that holds backhaul.db; created if missing
 * @error: return location for a #GError
 *
 * Opens or creates the store in @data_dir and migrates it to the current
 * schema. A store written by a newer Backhaul is refused with
 * %BH_ERROR_STORE_TOO_NEW and left untouched.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
BhStore *
bh_store_open (const char  *data_dir,
               GError     **error)
{
  return bh_store_open_at_version (data_dir, BH_STORE_SCHEMA_VERSION, error);
}

const char *
bh_store_get_data_dir (BhStore *self)
{
  g_return_val_if_fail (BH_IS_STORE (self), NULL);

  return self->data_dir;
}

const char *
bh_store_get_path (BhStore *self)
{
  g_return_val_if_fail (BH_IS_STORE (self), NULL);

  return self->path;
}

sqlite3 *
bh_store_get_db (BhStore *self)
{
  g_return_val_if_fail (BH_IS_STORE (self), NULL);

  return self->db;
}

int
bh_store_get_version (BhStore *self)
{
  g_return_val_if_fail (BH_IS_STORE (self), 0);

  return self->version;
}
