/* test-local-backend.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "test-local-backend"

#include "config.h"

#ifdef __linux__
#include <sys/resource.h>
#endif

#include "bh-local-backend.h"
#include "bh-progress-relay.h"
#include "bh-test-util.h"
#include "bh-worker.h"

static GThread *main_thread;

typedef struct
{
  char      *store;
  BhBackend *backend;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->store = bh_test_make_store (2000);
  fixture->backend = bh_local_backend_new (fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  bh_test_release_backend (g_steal_pointer (&fixture->backend));

  bh_test_remove_dir (fixture->store);
  g_free (fixture->store);
}

/* A definition of the first @n upcoming events, as a user would choose. */
static BhDefinition *
definition_of_upcoming_events (BhBackend  *backend,
                               guint       n,
                               const char *title)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  BhDefinition *definition;
  JsonArray *array;

  bh_backend_list_events_async (backend, NULL, NULL, NULL, NULL,
                                bh_test_store_result_cb, &result);
  events = bh_backend_list_events_finish (backend, bh_test_wait_result (&result), &error);
  g_assert_no_error (error);

  array = json_node_get_array (events);
  g_assert_cmpuint (json_array_get_length (array), >=, n);
  for (guint i = 0; i < n; i++)
    g_strv_builder_add (ids, json_object_get_string_member (json_array_get_object_element (array,
                                                                                           i),
                                                            "id"));

  definition = bh_definition_new ();
  definition->title = g_strdup (title);
  definition->events = g_strv_builder_end (ids);
  definition->mode = BH_MODE_SELECTIVE;

  return definition;
}

static void
count_progress_cb (BhPackage  *package,
                   GParamSpec *pspec,
                   guint      *n_updates)
{
  /* The list is bound to widgets: it may only change on the main thread. */
  g_assert_true (g_thread_self () == main_thread);
  (*n_updates)++;
}

static void
record_finished_cb (BhBackend  *backend,
                    BhPackage  *package,
                    GPtrArray  *finished)
{
  g_assert_true (g_thread_self () == main_thread);
  g_ptr_array_add (finished, g_object_ref (package));
}

static guint
count_members (BhBackend *backend,
               gint64     package_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) members = NULL;
  g_autoptr(GError) error = NULL;

  bh_backend_list_members_async (backend, package_id, -1, NULL, NULL,
                                 bh_test_store_result_cb, &result);
  members = bh_backend_list_members_finish (backend, bh_test_wait_result (&result), &error);
  g_assert_no_error (error);

  return members->len;
}

static void
test_build_shows_progress_then_done (Fixture       *fixture,
                                     gconstpointer  data)
{
  GListModel *packages = bh_backend_get_packages (fixture->backend);
  g_autoptr(BhDefinition) definition = NULL;
  g_autoptr(GPtrArray) finished = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(BhPackage) running = NULL;
  g_autoptr(BhPackage) built = NULL;
  g_autoptr(BhPackage) listed = NULL;
  g_autoptr(GError) error = NULL;
  guint n_updates = 0;

  definition = definition_of_upcoming_events (fixture->backend, 1, "One upcoming");
  g_signal_connect (fixture->backend, "package-finished", G_CALLBACK (record_finished_cb),
                    finished);

  bh_backend_build_async (fixture->backend, definition, NULL, bh_test_store_result_cb,
                          &result);

  /* At once, before any worker ran: the row of the running build. */
  g_assert_cmpuint (g_list_model_get_n_items (packages), ==, 1);
  running = g_list_model_get_item (packages, 0);
  g_assert_cmpint (bh_package_get_status (running), ==, BH_PACKAGE_STATUS_IN_PROGRESS);
  g_assert_cmpstr (bh_package_get_title (running), ==, "One upcoming");
  g_signal_connect (running, "notify::progress", G_CALLBACK (count_progress_cb), &n_updates);

  built = bh_backend_build_finish (fixture->backend, bh_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (built);
  g_assert_cmpint (bh_package_get_status (built), ==, BH_PACKAGE_STATUS_DONE);
  g_assert_cmpint (bh_package_get_id (built), >, 0);

  /* The running row was replaced in place, not joined by a second one. */
  g_assert_cmpuint (g_list_model_get_n_items (packages), ==, 1);
  listed = g_list_model_get_item (packages, 0);
  g_assert_true (listed == built);
  g_assert_cmpuint (finished->len, ==, 1);
  g_assert_true (g_ptr_array_index (finished, 0) == built);

  /* The figures the row shows are those of the stored member list. */
  g_assert_cmpuint (bh_package_get_members (built), >, 0);
  g_assert_cmpuint (bh_package_get_members (built), ==,
                    count_members (fixture->backend, bh_package_get_id (built)));
}

/* What another process finds in the store: the packages backhaul-cli
 * lists, as JSON. */
static JsonArray *
cli_packages (const char *store)
{
  const char *cli = g_getenv ("BACKHAUL_CLI");
  const char *argv[] = { cli, "--data-dir", store, "packages", "--json", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_nonnull (cli);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));

  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

typedef struct
{
  const char *store;
  gboolean    checked;
} DoneCheck;

/* At the moment the backend says a build is done, and before the main
 * loop runs on, another process opening the store finds the package
 * done with all its members: the backend says so only once the build's
 * transaction has committed, and the write-ahead log the backend's
 * connection still holds open is no obstacle to a reader. */
static void
check_done_is_stored_cb (BhBackend *backend,
                         BhPackage *package,
                         DoneCheck *check)
{
  g_autoptr(JsonArray) listed = cli_packages (check->store);
  JsonObject *stored;

  g_assert_cmpint (bh_package_get_status (package), ==, BH_PACKAGE_STATUS_DONE);
  g_assert_cmpuint (json_array_get_length (listed), ==, 1);
  stored = json_array_get_object_element (listed, 0);
  g_assert_cmpint (json_object_get_int_member (stored, "id"), ==, bh_package_get_id (package));
  g_assert_cmpstr (json_object_get_string_member (stored, "status"), ==, "done");
  g_assert_cmpint (json_object_get_int_member (stored, "members"), ==,
                   bh_package_get_members (package));
  g_assert_cmpuint (bh_package_get_members (package), >, 0);

  check->checked = TRUE;
}

static void
test_done_means_stored (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(BhDefinition) definition = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(BhPackage) built = NULL;
  g_autoptr(GError) error = NULL;
  DoneCheck check = { fixture->store, FALSE };

  definition = definition_of_upcoming_events (fixture->backend, 3, "Three upcoming");
  g_signal_connect (fixture->backend, "package-finished", G_CALLBACK (check_done_is_stored_cb),
                    &check);

  bh_backend_build_async (fixture->backend, definition, NULL, bh_test_store_result_cb,
                          &result);
  built = bh_backend_build_finish (fixture->backend, bh_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (check.checked);
}

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     gboolean   *changed)
{
  *changed = TRUE;
}

static void
test_list_survives_restart (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(BhDefinition) definition = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(BhPackage) built = NULL;
  g_autoptr(BhPackage) listed = NULL;
  g_autoptr(BhBackend) again = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *packages;
  gboolean changed = FALSE;

  definition = definition_of_upcoming_events (fixture->backend, 2, "Two upcoming");
  bh_backend_build_async (fixture->backend, definition, NULL, bh_test_store_result_cb,
                          &result);
  built = bh_backend_build_finish (fixture->backend, bh_test_wait_result (&result), &error);
  g_assert_no_error (error);

  /* A second backend on the store lists what the first one built. */
  again = bh_local_backend_new (fixture->store);
  packages = bh_backend_get_packages (again);
  g_signal_connect (packages, "items-changed", G_CALLBACK (on_items_changed_cb), &changed);
  bh_test_wait_for (&changed);

  g_assert_cmpuint (g_list_model_get_n_items (packages), ==, 1);
  listed = g_list_model_get_item (packages, 0);
  g_assert_cmpint (bh_package_get_id (listed), ==, bh_package_get_id (built));
  g_assert_cmpint (bh_package_get_status (listed), ==, BH_PACKAGE_STATUS_DONE);
  g_assert_cmpuint (bh_package_get_members (listed), ==, bh_package_get_members (built));
  g_assert_cmpstr (bh_package_get_title (listed), ==, "Two upcoming");
}

static void
test_delete_removes_row (Fixture       *fixture,
                         gconstpointer  data)
{
  GListModel *packages = bh_backend_get_packages (fixture->backend);
  g_autoptr(BhDefinition) definition = NULL;
  g_autoptr(GAsyncResult) built_result = NULL;
  g_autoptr(GAsyncResult) deleted_result = NULL;
  g_autoptr(BhPackage) built = NULL;
  g_autoptr(GError) error = NULL;

  definition = definition_of_upcoming_events (fixture->backend, 1, "One upcoming");
  bh_backend_build_async (fixture->backend, definition, NULL, bh_test_store_result_cb,
                          &built_result);
  built = bh_backend_build_finish (fixture->backend, bh_test_wait_result (&built_result),
                                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (packages), ==, 1);

  bh_backend_delete_package_async (fixture->backend, bh_package_get_id (built), NULL,
                                   bh_test_store_result_cb, &deleted_result);
  bh_backend_delete_package_finish (fixture->backend, bh_test_wait_result (&deleted_result),
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (packages), ==, 0);
}

/* Progress relay */

typedef struct
{
  BhProgressRelay *relay;
  guint            n_reports;
  gboolean         done;
} Reporter;

static gpointer
report_many (gpointer data)
{
  Reporter *reporter = data;

  for (guint i = 1; i <= reporter->n_reports; i++)
    bh_progress_relay_report ((double)i / reporter->n_reports, "working", reporter->relay);

  g_atomic_int_set (&reporter->done, TRUE);

  return NULL;
}

typedef struct
{
  guint  n_delivered;
  double last;
} Delivered;

static void
delivered_cb (double      fraction,
              const char *message,
              gpointer    user_data)
{
  Delivered *delivered = user_data;

  g_assert_true (g_thread_self () == main_thread);
  g_assert_cmpstr (message, ==, "working");
  g_assert_cmpfloat (fraction, >=, delivered->last);
  delivered->n_delivered++;
  delivered->last = fraction;
}

static void
test_relay_coalesces (void)
{
  Delivered delivered = { 0, 0.0 };
  Reporter reporter = { NULL, 10000, FALSE };
  GThread *thread;

  reporter.relay = bh_progress_relay_new (delivered_cb, &delivered, NULL);
  thread = g_thread_new ("reporter", report_many, &reporter);
  g_thread_join (thread);

  /* Everything reported before the main loop ran arrives once, as the
   * latest figure. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_true (reporter.done);
  g_assert_cmpuint (delivered.n_delivered, ==, 1);
  g_assert_cmpfloat (delivered.last, ==, 1.0);

  bh_progress_relay_close (reporter.relay);
  bh_progress_relay_report (0.5, "working", reporter.relay);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (delivered.n_delivered, ==, 1);

  bh_progress_relay_unref (reporter.relay);
}

typedef struct
{
  gboolean in_worker;
  gboolean worker_lower;
  gboolean helper_lower;
  gboolean done;
  gboolean source_gone;
  gboolean source_gone_in_main;
} WorkerRun;

static gpointer
helper_thread (gpointer data)
{
  return GINT_TO_POINTER (bh_worker_is_lower_priority ());
}

static void
worker_func (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  WorkerRun *run = task_data;

  run->in_worker = g_thread_self () != main_thread;
  run->worker_lower = bh_worker_is_lower_priority ();
  /* As the engine's helper threads are started. */
  run->helper_lower = GPOINTER_TO_INT (g_thread_join (g_thread_new ("helper", helper_thread,
                                                                    NULL)));

  g_task_return_boolean (task, TRUE);
}

static void
worker_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  WorkerRun *run = user_data;

  g_assert_true (g_thread_self () == main_thread);
  g_assert_true (g_task_propagate_boolean (G_TASK (result), NULL));
  run->done = TRUE;
}

static void
source_gone_cb (gpointer  data,
                GObject  *where)
{
  WorkerRun *run = data;

  run->source_gone = TRUE;
  run->source_gone_in_main = g_thread_self () == main_thread;
}

/* A worker runs in a thread of its own below the main thread, and so do
 * the threads it starts; its task, and the object it was made for, go
 * in the main thread. */
static void
test_worker_runs_below_main (void)
{
  g_autoptr(GObject) source = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GTask) task = NULL;
  WorkerRun run = { FALSE, };

#ifdef __linux__
  if (getpriority (PRIO_PROCESS, 0) >= 19)
    {
      g_test_skip ("The main thread already runs at the lowest priority");
      return;
    }
#else
  g_test_skip ("Thread priorities are set on Linux only");
  return;
#endif

  g_object_weak_ref (source, source_gone_cb, &run);
  task = g_task_new (source, NULL, worker_done_cb, &run);
  g_task_set_task_data (task, &run, NULL);
  bh_worker_run (task, worker_func);
  g_clear_object (&task);
  g_clear_object (&source);

  while (!run.source_gone)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (run.done);
  g_assert_true (run.in_worker);
  g_assert_true (run.worker_lower);
  g_assert_true (run.helper_lower);
  g_assert_true (run.source_gone_in_main);
  g_assert_false (bh_worker_is_lower_priority ());
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();

  g_test_add ("/backend/local/build/shows-progress-then-done", Fixture, NULL,
              fixture_set_up, test_build_shows_progress_then_done, fixture_tear_down);
  g_test_add ("/backend/local/build/done-means-stored", Fixture, NULL,
              fixture_set_up, test_done_means_stored, fixture_tear_down);
  g_test_add ("/backend/local/packages/survive-restart", Fixture, NULL,
              fixture_set_up, test_list_survives_restart, fixture_tear_down);
  g_test_add ("/backend/local/packages/delete-removes-row", Fixture, NULL,
              fixture_set_up, test_delete_removes_row, fixture_tear_down);
  g_test_add_func ("/backend/progress-relay/coalesces", test_relay_coalesces);
  g_test_add_func ("/backend/worker/runs-below-main", test_worker_runs_below_main);

  return g_test_run ();
}
