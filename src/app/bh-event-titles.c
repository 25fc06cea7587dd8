/* bh-event-titles.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-event-titles"

#include "config.h"

#include "bh-event-titles.h"
#include "bh-worker.h"

typedef struct
{
  gboolean  with_dates;
  /* The worker's to read and to free. */
  JsonNode *events;
} Load;

static void
load_free (gpointer data)
{
  Load *load = data;

  g_clear_pointer (&load->events, json_node_unref);
  g_free (load);
}

static void
make_titles_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Load *load = task_data;
  g_autoptr(JsonNode) events = g_steal_pointer (&load->events);
  g_autoptr(GHashTable) titles = NULL;
  JsonArray *array;

  titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  array = JSON_NODE_HOLDS_ARRAY (events) ? json_node_get_array (events) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *event;
      const char *id, *title, *date;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      event = json_node_get_object (element);
      id = json_object_get_string_member_with_default (event, "id", NULL);
      title = json_object_get_string_member_with_default (event, "title", NULL);
      date = json_object_get_string_member_with_default (event, "date", "");
      if (id == NULL || title == NULL)
        continue;

      g_hash_table_insert (titles, g_strdup (id),
                           load->with_dates
                           ? g_strdup_printf ("%s (%s)", title, date)
                           : g_strdup (title));
    }

  g_task_return_pointer (task, g_steal_pointer (&titles),
                         (GDestroyNotify) g_hash_table_unref);
}

static void
events_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Load *load = g_task_get_task_data (task);
  GError *error = NULL;

  load->events = bh_backend_list_events_finish (BH_BACKEND (object), result, &error);
  if (load->events == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  bh_worker_run (task, make_titles_thread);
}

void
bh_event_titles_load_async (BhBackend           *backend,
                            gboolean             with_dates,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Load *load;

  g_return_if_fail (BH_IS_BACKEND (backend));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  load = g_new0 (Load, 1);
  load->with_dates = with_dates;

  task = g_task_new (backend, cancellable, callback, user_data);
  g_task_set_source_tag (task, bh_event_titles_load_async);
  g_task_set_task_data (task, load, load_free);

  bh_backend_list_events_async (backend, NULL, NULL, NULL, cancellable, events_cb,
                                g_steal_pointer (&task));
}

GHashTable *
bh_event_titles_load_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        bh_event_titles_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
