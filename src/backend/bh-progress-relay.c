/* bh-progress-relay.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-progress-relay"

#include "config.h"

#include <gio/gio.h>

#include "bh-progress-relay.h"

struct _BhProgressRelay
{
  gatomicrefcount  ref_count;
  GMainContext    *context;
  BhProgressFunc   func;
  gpointer         data;
  GDestroyNotify   destroy;

  GMutex           lock;
  double           fraction;
  char            *message;
  gboolean         queued;
  gboolean         closed;
};

BhProgressRelay *
bh_progress_relay_new (BhProgressFunc func,
                       gpointer       data,
                       GDestroyNotify destroy)
{
  BhProgressRelay *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_new0 (BhProgressRelay, 1);
  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
  self->func = func;
  self->data = data;
  self->destroy = destroy;

  return self;
}

BhProgressRelay *
bh_progress_relay_ref (BhProgressRelay *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

/* Runs @func in the relay's main context, always from its main loop: a
 * worker must never run it, even when no loop holds the context. */
static void
defer (BhProgressRelay *self,
       GSourceFunc      func,
       gpointer         data,
       GDestroyNotify   destroy)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "[backhaul] progress");
  g_source_attach (source, self->context);
}

static gboolean
release_cb (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

void
bh_progress_relay_unref (BhProgressRelay *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  /* The last reference may go in a worker; the data belongs to the main
   * context, so it is released there. */
  if (self->destroy != NULL && g_main_context_is_owner (self->context))
    self->destroy (self->data);
  else if (self->destroy != NULL)
    defer (self, release_cb, self->data, self->destroy);

  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_free (self->message);
  g_free (self);
}

static gboolean
deliver_cb (gpointer user_data)
{
  BhProgressRelay *self = user_data;
  g_autofree char *message = NULL;
  double fraction;
  gboolean closed;

  g_mutex_lock (&self->lock);
  fraction = self->fraction;
  message = g_steal_pointer (&self->message);
  closed = self->closed;
  self->queued = FALSE;
  g_mutex_unlock (&self->lock);

  if (!closed)
    self->func (fraction, message, self->data);

  return G_SOURCE_REMOVE;
}

void
bh_progress_relay_report (double      fraction,
                          const char *message,
                          gpointer    relay)
{
  BhProgressRelay *self = relay;
  gboolean queue;

  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  self->fraction = fraction;
  g_free (self->message);
  self->message = g_strdup (message);
  queue = !self->queued && !self->closed;
  self->queued = TRUE;
  g_mutex_unlock (&self->lock);

  if (queue)
    defer (self, deliver_cb, bh_progress_relay_ref (self),
           (GDestroyNotify)bh_progress_relay_unref);
}

void
bh_progress_relay_close (BhProgressRelay *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  self->closed = TRUE;
  g_mutex_unlock (&self->lock);
}
