/* bh-import-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-import-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "bh-demo.h"
#include "bh-error.h"
#include "bh-format.h"
#include "bh-import-dialog.h"
#include "bh-import-problem.h"
#include "bh-progress-relay.h"
#include "bh-worker.h"

/* Enough customers to look around in, written and imported in seconds. */
#define DEMO_CUSTOMERS 20000

struct _BhImportDialog
{
  AdwWindow             parent_instance;

  BhBackend            *backend;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  /* The private folder demo data is written to, while it exists. */
  char                 *demo_dir;

  GtkStack             *stack;
  AdwStatusPage        *progress_page;
  GtkProgressBar       *progress_bar;
  GtkLabel             *problems_summary;
  GtkColumnView        *problems_view;
  GtkNoSelection       *problems_selection;
  GtkLabel             *remarks_label;
  GtkWidget            *import_again_button;
  AdwStatusPage        *done_page;
  AdwStatusPage        *failed_page;
};

G_DEFINE_FINAL_TYPE (BhImportDialog, bh_import_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_BACKEND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_progress (BhImportDialog *self,
               double          fraction,
               const char     *message)
{
  g_autofree char *markup = g_markup_escape_text (message != NULL ? message : "", -1);

  /* Status page descriptions are markup; file names may hold any text. */
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  adw_status_page_set_description (self->progress_page, markup);
}

static void
progress_cb (double      fraction,
             const char *message,
             gpointer    user_data)
{
  show_progress (BH_IMPORT_DIALOG (user_data), fraction, message);
}

static void
show_problems (BhImportDialog *self,
               const GError   *error)
{
  g_autoptr(GListModel) problems = NULL;
  g_autofree char *remarks = NULL;
  const char *summary;
  guint n;

  problems = bh_import_problem_parse (error->message, &remarks);
  n = g_list_model_get_n_items (problems);
  gtk_no_selection_set_model (self->problems_selection, problems);

  summary = ngettext ("The files have a problem, listed below. Nothing from this import "
                       "was stored and your data is as it was: correct the files, then "
                       "import them again.",
                       "The files have problems, listed below. Nothing from this import "
                       "was stored and your data is as it was: correct the files, then "
                       "import them again.",
                       n);
  gtk_label_set_label (self->problems_summary, summary);
  gtk_label_set_label (self->remarks_label, remarks);
  gtk_widget_set_visible (GTK_WIDGET (self->remarks_label), remarks != NULL);

  gtk_stack_set_visible_child_name (self->stack, "problems");
  gtk_widget_grab_focus (self->import_again_button);
}

static void
show_done (BhImportDialog *self,
           JsonNode       *report)
{
  static const struct {
    const char *kind;
    const char *label;
  } kinds[] = {
    { "customers", N_("Customers") },
    { "events", N_("Events") },
    { "sales", N_("Sales") },
  };
  g_autoptr(GString) description = g_string_new (NULL);
  JsonObject *object = json_node_get_object (report);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      JsonObject *counts;
      g_autofree char *added = NULL;
      g_autofree char *changed = NULL;

      if (!json_object_has_member (object, kinds[i].kind))
        continue;

      counts = json_object_get_object_member (object, kinds[i].kind);
      added = bh_format_count (json_object_get_int_member_with_default (counts, "added", 0));
      changed = bh_format_count (json_object_get_int_member_with_default (counts, "changed",
                                                                          0));
      if (description->len > 0)
        g_string_append_c (description, '\n');
      /* Translators: "Customers: 20,000 new, 12 changed" */
      g_string_append_printf (description, _("%s: %s new, %s changed"),
                              _(kinds[i].label), added, changed);
    }

  adw_status_page_set_description (self->done_page, description->str);
  gtk_stack_set_visible_child_name (self->stack, "done");
}

static void
show_failure (BhImportDialog *self,
              const GError   *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      adw_status_page_set_title (self->failed_page, _("Import Cancelled"));
      adw_status_page_set_description (self->failed_page,
                                       _("Nothing was imported; your data is as it was."));
    }
  else
    {
      g_autofree char *reason = g_markup_escape_text (error->message, -1);
      g_autofree char *description = NULL;

      adw_status_page_set_title (self->failed_page, _("Nothing Was Imported"));
      /* Translators: the reason, then the assurance */
      description = g_strdup_printf (_("%s\nYour data is as it was."), reason);
      adw_status_page_set_description (self->failed_page, description);
    }

  gtk_stack_set_visible_child_name (self->stack, "failed");
}

/* The demo folder is private to this run and goes as soon as the import
 * is over, whatever its outcome. */
static void
delete_demo_dir_worker (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  const char *dir = task_data;
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_unlink (path) != 0)
        g_warning ("Cannot delete a demo file: %s", g_strerror (errno));
    }

  if (g_rmdir (dir) != 0)
    g_warning ("Cannot delete the demo folder: %s", g_strerror (errno));

  g_task_return_boolean (task, TRUE);
}

static void
delete_demo_dir (BhImportDialog *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->demo_dir == NULL)
    return;

  /* Not cancellable: the folder must go even if the dialog does. */
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, delete_demo_dir);
  g_task_set_task_data (task, g_steal_pointer (&self->demo_dir), g_free);
  bh_worker_run (task, delete_demo_dir_worker);
}

static void
import_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BhImportDialog) self = user_data;
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(GError) error = NULL;

  report = bh_backend_import_finish (BH_BACKEND (object), result, &error);

  delete_demo_dir (self);

  if (report != NULL)
    show_done (self, report);
  else if (g_error_matches (error, BH_ERROR, BH_ERROR_INVALID_DATA))
    show_problems (self, error);
  else
    show_failure (self, error);
}

void
bh_import_dialog_import_paths (BhImportDialog     *self,
                               const char * const *paths)
{
  g_return_if_fail (BH_IS_IMPORT_DIALOG (self));
  g_return_if_fail (paths != NULL && paths[0] != NULL);

  g_debug ("Importing %u paths", g_strv_length ((char **)paths));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  show_progress (self, 0.0, _("Reading the files…"));
  gtk_stack_set_visible_child_name (self->stack, "progress");

  bh_backend_import_async (self->backend, paths,
                           progress_cb, g_object_ref (self), g_object_unref,
                           self->cancellable, import_cb, g_object_ref (self));
}

/* Demo data */

typedef struct
{
  char            *dir;
  BhProgressRelay *relay;
} DemoJob;

static void
demo_job_free (gpointer data)
{
  DemoJob *job = data;

  g_clear_pointer (&job->relay, bh_progress_relay_unref);
  g_free (job->dir);
  g_free (job);
}

static void
write_demo_worker (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  DemoJob *job = task_data;
  GError *error = NULL;

  if (bh_demo_write (job->dir, DEMO_CUSTOMERS, BH_DEMO_DEFAULT_SEED, NULL,
                     bh_progress_relay_report, job->relay, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
write_demo_progress_cb (double      fraction,
                        const char *message,
                        gpointer    user_data)
{
  show_progress (BH_IMPORT_DIALOG (user_data), fraction, _("Writing demo data…"));
}

static void
write_demo_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(BhImportDialog) self = user_data;
  DemoJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  const char *paths[] = { job->dir, NULL };

  bh_progress_relay_close (job->relay);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_warning ("Cannot write demo data: %s", error->message);
      delete_demo_dir (self);
      show_failure (self, error);
      return;
    }

  bh_import_dialog_import_paths (self, paths);
}

void
bh_import_dialog_load_demo (BhImportDialog *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  DemoJob *job;

  g_return_if_fail (BH_IS_IMPORT_DIALOG (self));
  g_return_if_fail (self->demo_dir == NULL);

  /* A folder only this user can read, as the demo has names and
   * addresses, even if made up. */
  if (!(self->demo_dir = g_dir_make_tmp ("backhaul-demo-XXXXXX", &error)))
    {
      show_failure (self, error);
      return;
    }

  show_progress (self, 0.0, _("Writing demo data…"));
  gtk_stack_set_visible_child_name (self->stack, "progress");

  job = g_new0 (DemoJob, 1);
  job->dir = g_strdup (self->demo_dir);
  job->relay = bh_progress_relay_new (write_demo_progress_cb, g_object_ref (self),
                                      g_object_unref);

  /* The task is not the dialog's: a worker may drop it last, and a
   * widget must only be released on the main thread. */
  task = g_task_new (NULL, self->cancellable, write_demo_cb, g_object_ref (self));
  g_task_set_source_tag (task, bh_import_dialog_load_demo);
  g_task_set_task_data (task, job, demo_job_free);
  bh_worker_run (task, write_demo_worker);
}

/* Choosing files */

static void
on_chooser_response_cb (BhImportDialog       *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GPtrArray) paths = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    return;

  files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
  paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      char *path = g_file_get_path (file);

      if (path != NULL)
        g_ptr_array_add (paths, path);
    }
  g_ptr_array_add (paths, NULL);

  if (paths->len > 1)
    bh_import_dialog_import_paths (self, (const char * const *)paths->pdata);
}

static void
choose (BhImportDialog       *self,
        GtkFileChooserAction  action)
{
  g_autoptr(GtkFileFilter) filter = NULL;

  g_clear_object (&self->chooser);

  if (action == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER)
    {
      self->chooser = gtk_file_chooser_native_new (_("Choose the Folder With the Data"),
                                                   GTK_WINDOW (self), action,
                                                   _("_Import"), _("_Cancel"));
    }
  else
    {
      self->chooser = gtk_file_chooser_native_new (_("Choose the Files to Import"),
                                                   GTK_WINDOW (self), action,
                                                   _("_Import"), _("_Cancel"));
      gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);

      filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("CSV files"));
      gtk_file_filter_add_mime_type (filter, "text/csv");
      gtk_file_filter_add_suffix (filter, "csv");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
    }

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_choose_folder_cb (BhImportDialog *self,
                     GtkButton      *button)
{
  choose (self, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
}

static void
on_choose_files_cb (BhImportDialog *self,
                    GtkButton      *button)
{
  choose (self, GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
on_import_again_cb (BhImportDialog *self,
                    GtkButton      *button)
{
  bh_import_dialog_choose (self);
}

static void
on_cancel_cb (BhImportDialog *self,
              GtkButton      *button)
{
  /* The import is all or nothing, so stopping it leaves the store as
   * it was; the result arrives as a cancellation. */
  g_cancellable_cancel (self->cancellable);
}

/* The object */

static gboolean
bh_import_dialog_close_request (GtkWindow *window)
{
  BhImportDialog *self = BH_IMPORT_DIALOG (window);

  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (bh_import_dialog_parent_class)->close_request (window);
}

static void
bh_import_dialog_dispose (GObject *object)
{
  BhImportDialog *self = (BhImportDialog *)object;

  g_cancellable_cancel (self->cancellable);
  delete_demo_dir (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), BH_TYPE_IMPORT_DIALOG);

  G_OBJECT_CLASS (bh_import_dialog_parent_class)->dispose (object);
}

static void
bh_import_dialog_finalize (GObject *object)
{
  BhImportDialog *self = (BhImportDialog *)object;

  g_clear_object (&self->backend);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->chooser);

  G_OBJECT_CLASS (bh_import_dialog_parent_class)->finalize (object);
}

static void
bh_import_dialog_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BhImportDialog *self = BH_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      g_value_set_object (value, self->backend);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_import_dialog_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  BhImportDialog *self = BH_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      self->backend = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_import_dialog_class_init (BhImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = bh_import_dialog_dispose;
  object_class->finalize = bh_import_dialog_finalize;
  object_class->get_property = bh_import_dialog_get_property;
  object_class->set_property = bh_import_dialog_set_property;

  window_class->close_request = bh_import_dialog_close_request;

  properties[PROP_BACKEND] =
    g_param_spec_object ("backend", NULL, NULL,
                         BH_TYPE_BACKEND,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/backhaul/Backhaul/bh-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BhImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, BhImportDialog, progress_page);
  gtk_widget_class_bind_template_child (widget_class, BhImportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, BhImportDialog, problems_summary);
  gtk_widget_class_bind_template_child (widget_class, BhImportDialog, problems_view);
  gtk_widget_class_bind_template_child (widget_class, BhImportDialog, problems_selection);
  gtk_widget_class_bind_template_child (widget_class, BhImportDialog, remarks_label);
  gtk_widget_class_bind_template_child (widget_class, BhImportDialog, import_again_button);
  gtk_widget_class_bind_template_child (widget_class, BhImportDialog, done_page);
  gtk_widget_class_bind_template_child (widget_class, BhImportDialog, failed_page);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_folder_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_files_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_import_again_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  g_type_ensure (BH_TYPE_IMPORT_PROBLEM);
}

static void
bh_import_dialog_init (BhImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

GtkWindow *
bh_import_dialog_new (GtkWindow *parent,
                      BhBackend *backend)
{
  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (BH_IS_BACKEND (backend), NULL);

  return g_object_new (BH_TYPE_IMPORT_DIALOG,
                       "transient-for", parent,
                       "backend", backend,
                       NULL);
}

void
bh_import_dialog_choose (BhImportDialog *self)
{
  g_return_if_fail (BH_IS_IMPORT_DIALOG (self));

  gtk_stack_set_visible_child_name (self->stack, "choose");
}

GListModel *
bh_import_dialog_get_problems (BhImportDialog *self)
{
  g_return_val_if_fail (BH_IS_IMPORT_DIALOG (self), NULL);

  return gtk_no_selection_get_model (self->problems_selection);
}

const char *
bh_import_dialog_get_page (BhImportDialog *self)
{
  g_return_val_if_fail (BH_IS_IMPORT_DIALOG (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}
