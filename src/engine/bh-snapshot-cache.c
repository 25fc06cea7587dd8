/* bh-snapshot-cache.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-snapshot"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "bh-error.h"
#include "bh-snapshot-private.h"

/*
 * The snapshot cache: the arrays of a snapshot that do not depend on a
 * cut-off (customers, events, aspects, categories, strings, sales grouped
 * by customer, buyers, IDF weights, and the profiles with every sale,
 * whose ages count from the last sale), written as they lie in memory to
 * snapshot.cache in the store's data folder. Reading them back costs a
 * fraction of decoding twenty million sale rows from SQLite and building
 * a million profiles. Settings (the season start) and what depends on
 * the time zone (event midnights) are not in it.
 *
 * The file holds the same customer data as the store, so it lives next
 * to it with mode 0600, is written under a temporary name in the same
 * folder and renamed into place, and is removed after every import.
 *
 * It is trusted only if everything in its header matches this build and
 * the store: magic, format, schema version, byte order and type sizes,
 * the store's data generation (bumped by every import in its transaction)
 * and the highest customer, event and sale ids. Every section carries a
 * checksum, and indexes are checked against the counts before a build can
 * follow them; a file that fails any check is ignored with a warning and
 * written anew.
 *
 * Layout: the header, then sections in a fixed order, each a frame (tag,
 * element size, count), the data, zeros up to a multiple of eight bytes,
 * and a 64-bit hash of data and padding.
 */

#define CACHE_NAME "snapshot.cache"
#define CACHE_MAGIC "BHSNAPC\n"
/* 2: customer_no_email */
#define CACHE_FORMAT 2
#define CACHE_BYTE_ORDER 0x01020304u
#define CACHE_FLOAT_CHECK 1.5f
#define CACHE_CHUNK (8u << 20)
/* Writing takes seconds; a temporary file an hour old is abandoned. */
#define CACHE_LEFTOVER_SECONDS 3600

enum
{
  COUNT_CUSTOMERS,
  COUNT_EVENTS,
  COUNT_ASPECTS,
  COUNT_SALES,
  COUNT_CITIES,
  COUNT_CATEGORIES,
  COUNT_EVENT_ASPECTS,
  COUNT_BUYERS,
  COUNT_STRINGS,
  COUNT_LAST_PURCHASE,
  COUNT_PROFILE_ENTRIES,
  N_COUNTS
};

typedef struct
{
  char    magic[8];
  guint32 format;
  guint32 byte_order;
  guint32 schema;
  float   float_check;
  guint8  sizes[8];
  gint64  generation;
  gint64  max_customer_id;
  gint64  max_event_id;
  gint64  max_sale_id;
} CacheHeader;

typedef struct
{
  guint32 tag;
  guint32 elem_size;
  guint64 count;
} SectionFrame;

/* An array of the snapshot: where it is, its element size, and which
 * count says its length (plus one for the start arrays of a CSR). */
typedef struct
{
  gsize    offset;
  guint32  size;
  guint8   count;
  guint8   plus_one;
  gboolean in_profiles;
} ArrayField;

#define ARRAY_FIELD(member, count, plus_one) \
  { G_STRUCT_OFFSET (BhSnapshot, member), sizeof (*((BhSnapshot *)NULL)->member), \
    count, plus_one, FALSE }
#define PROFILE_FIELD(member, count, plus_one) \
  { G_STRUCT_OFFSET (BhProfiles, member), sizeof (*((BhProfiles *)NULL)->member), \
    count, plus_one, TRUE }

static const ArrayField array_fields[] = {
  ARRAY_FIELD (strings, COUNT_STRINGS, 0),
  ARRAY_FIELD (customer_store_id, COUNT_CUSTOMERS, 0),
  ARRAY_FIELD (customer_ext_id, COUNT_CUSTOMERS, 0),
  ARRAY_FIELD (customer_post_code, COUNT_CUSTOMERS, 0),
  ARRAY_FIELD (customer_city, COUNT_CUSTOMERS, 0),
  ARRAY_FIELD (customer_opt_out, COUNT_CUSTOMERS, 0),
  ARRAY_FIELD (customer_no_email, COUNT_CUSTOMERS, 0),
  ARRAY_FIELD (event_store_id, COUNT_EVENTS, 0),
  ARRAY_FIELD (event_day, COUNT_EVENTS, 0),
  ARRAY_FIELD (event_weekday, COUNT_EVENTS, 0),
  ARRAY_FIELD (event_series, COUNT_EVENTS, 0),
  ARRAY_FIELD (event_aspect_start, COUNT_EVENTS, 1),
  ARRAY_FIELD (event_aspect, COUNT_EVENT_ASPECTS, 0),
  ARRAY_FIELD (event_aspect_weight, COUNT_EVENT_ASPECTS, 0),
  ARRAY_FIELD (aspect_is_genre, COUNT_ASPECTS, 0),
  ARRAY_FIELD (aspect_idf, COUNT_ASPECTS, 0),
  ARRAY_FIELD (sales, COUNT_SALES, 0),
  ARRAY_FIELD (sale_start, COUNT_CUSTOMERS, 1),
  ARRAY_FIELD (buyer_start, COUNT_EVENTS, 1),
  ARRAY_FIELD (buyer, COUNT_BUYERS, 0),
  /* The profiles with every sale count ages from the last sale, not from
   * a cut-off: they too follow from the data alone. */
  PROFILE_FIELD (row_start, COUNT_CUSTOMERS, 1),
  PROFILE_FIELD (row_aspect, COUNT_PROFILE_ENTRIES, 0),
  PROFILE_FIELD (row_weight, COUNT_PROFILE_ENTRIES, 0),
  PROFILE_FIELD (column_start, COUNT_ASPECTS, 1),
  PROFILE_FIELD (column_customer, COUNT_PROFILE_ENTRIES, 0),
  PROFILE_FIELD (column_weight, COUNT_PROFILE_ENTRIES, 0),
};

/* Lists of strings, each written as its strings one after the other. */
typedef struct
{
  gsize offset;
  guint count;
} ListField;

static const ListField list_fields[] = {
  { G_STRUCT_OFFSET (BhSnapshot, cities), COUNT_CITIES },
  { G_STRUCT_OFFSET (BhSnapshot, event_ext_id), COUNT_EVENTS },
  { G_STRUCT_OFFSET (BhSnapshot, event_title), COUNT_EVENTS },
  { G_STRUCT_OFFSET (BhSnapshot, aspect_name), COUNT_ASPECTS },
  { G_STRUCT_OFFSET (BhSnapshot, category_name), COUNT_CATEGORIES },
};

/* The arrays are written raw: no padding may hide in them. */
G_STATIC_ASSERT (sizeof (BhSale) == 24);
G_STATIC_ASSERT (sizeof (CacheHeader) == 64);

static inline gpointer *
field_pointer (BhSnapshot *self,
               gsize       offset)
{
  return (gpointer *)(gpointer)((char *)self + offset);
}

static inline gpointer *
array_pointer (BhSnapshot       *self,
               const ArrayField *field)
{
  char *base = field->in_profiles ? (char *)self->profiles : (char *)self;

  return (gpointer *)(gpointer)(base + field->offset);
}

/* Hash: four lanes of multiply-rotate over 64-bit words, enough to tell
 * a torn or damaged file from a good one (not an adversary: whoever can
 * write the file can read the store). */

typedef struct
{
  guint64 lane[4];
  guint64 length;
} Hash;

#define HASH_K1 0x9e3779b185ebca87ull
#define HASH_K2 0xc2b2ae3d27d4eb4full

static inline guint64
rotl64 (guint64 x,
        int     r)
{
  return (x << r) | (x >> (64 - r));
}

static void
hash_init (Hash *hash)
{
  hash->lane[0] = HASH_K1 + HASH_K2;
  hash->lane[1] = HASH_K2;
  hash->lane[2] = 0;
  hash->lane[3] = -HASH_K1;
  hash->length = 0;
}

/* @len must be a multiple of 32 except in the last call of a section. */
static void
hash_update (Hash         *hash,
             const guint8 *data,
             gsize         len)
{
  gsize i = 0;

  for (; i + 32 <= len; i += 32)
    for (guint l = 0; l < 4; l++)
      {
        guint64 w;

        memcpy (&w, data + i + 8 * l, 8);
        hash->lane[l] = rotl64 (hash->lane[l] + w * HASH_K2, 31) * HASH_K1;
      }

  if (i < len)
    {
      guint8 tail[32] = { 0 };

      memcpy (tail, data + i, len - i);
      hash_update (hash, tail, 32);
      hash->length -= 32;
    }

  hash->length += len;
}

static guint64
hash_finish (const Hash *hash)
{
  guint64 h = hash->length * HASH_K1;

  for (guint l = 0; l < 4; l++)
    h = rotl64 (h ^ (hash->lane[l] * HASH_K2), 27) * HASH_K1 + 0x27d4eb2f165667c5ull;
  h ^= h >> 33;

  return h;
}

char *
_bh_snapshot_cache_path (BhStore *store)
{
  return g_build_filename (bh_store_get_data_dir (store), CACHE_NAME, NULL);
}

void
_bh_snapshot_cache_key (BhStore    *store,
                        BhCacheKey *key)
{
  key->generation = bh_store_get_data_generation (store);
  key->max_customer_id = bh_store_query_int (store, "SELECT max(id) FROM customer", 0);
  key->max_event_id = bh_store_query_int (store, "SELECT max(id) FROM event", 0);
  key->max_sale_id = bh_store_query_int (store, "SELECT max(id) FROM sale", 0);
}

static void
header_init (CacheHeader      *header,
             BhStore          *store,
             const BhCacheKey *key)
{
  memset (header, 0, sizeof *header);
  memcpy (header->magic, CACHE_MAGIC, sizeof header->magic);
  header->format = CACHE_FORMAT;
  header->byte_order = CACHE_BYTE_ORDER;
  header->schema = (guint32)bh_store_get_version (store);
  header->float_check = CACHE_FLOAT_CHECK;
  header->sizes[0] = sizeof (BhSale);
  header->sizes[1] = sizeof (gint64);
  header->sizes[2] = sizeof (guint32);
  header->sizes[3] = sizeof (float);
  header->sizes[4] = sizeof (gsize);
  header->sizes[5] = sizeof (guint16);
  header->generation = key->generation;
  header->max_customer_id = key->max_customer_id;
  header->max_event_id = key->max_event_id;
  header->max_sale_id = key->max_sale_id;
}

static void
cache_counts (BhSnapshot *self,
              guint64     counts[N_COUNTS])
{
  counts[COUNT_CUSTOMERS] = self->n_customers;
  counts[COUNT_EVENTS] = self->n_events;
  counts[COUNT_ASPECTS] = self->n_aspects;
  counts[COUNT_SALES] = self->n_sales;
  counts[COUNT_CITIES] = self->cities->len;
  counts[COUNT_CATEGORIES] = self->category_name->len;
  counts[COUNT_EVENT_ASPECTS] = self->event_aspect_start[self->n_events];
  counts[COUNT_BUYERS] = self->buyer_start[self->n_events];
  counts[COUNT_STRINGS] = self->strings_len;
  counts[COUNT_LAST_PURCHASE] = (guint64)self->last_purchase;
  counts[COUNT_PROFILE_ENTRIES] = self->profiles->row_start[self->n_customers];
}

/* Writes all @len bytes at the file position, or reads them from
 * @offset if that is not negative; goes on after interruptions. */
static gboolean
transfer_all (int      fd,
              guint8  *bytes,
              gsize    len,
              goffset  offset)
{
  while (len > 0)
    {
      gsize chunk = MIN (len, CACHE_CHUNK);
      gssize n = offset < 0 ? write (fd, bytes, chunk) : pread (fd, bytes, chunk, offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;

      bytes += n;
      len -= n;
      if (offset >= 0)
        offset += n;
    }

  return TRUE;
}

/* Writing */

static gboolean
write_exact (int           fd,
             gconstpointer data,
             gsize         len)
{
  return transfer_all (fd, (guint8 *)data, len, -1);
}

static gboolean
write_section (int            fd,
               guint32        tag,
               guint32        elem_size,
               guint64        count,
               gconstpointer  data)
{
  static const guint8 zeros[8] = { 0 };
  SectionFrame frame = { tag, elem_size, count };
  gsize len = elem_size * count;
  gsize pad = (8 - len % 8) % 8;
  const guint8 *bytes = data;
  Hash hash;
  guint64 sum;

  hash_init (&hash);
  if (!write_exact (fd, &frame, sizeof frame))
    return FALSE;

  if (!write_exact (fd, bytes, len))
    return FALSE;

  /* The hash covers the padding, as the reader sees it. */
  if (len + pad > 0)
    {
      g_autofree guint8 *tail = NULL;
      gsize whole = len - len % 32;

      hash_update (&hash, bytes, whole);
      tail = g_malloc0 (len - whole + pad + 1);
      memcpy (tail, bytes + whole, len - whole);
      hash_update (&hash, tail, len - whole + pad);
    }

  sum = hash_finish (&hash);

  return write_exact (fd, zeros, pad) && write_exact (fd, &sum, sizeof sum);
}

static gboolean
write_list (int        fd,
            guint32    tag,
            GPtrArray *list)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  for (guint i = 0; i < list->len; i++)
    {
      const char *text = g_ptr_array_index (list, i);

      if (text == NULL)
        text = "";
      g_byte_array_append (bytes, (const guint8 *)text, strlen (text) + 1);
    }

  return write_section (fd, tag, 1, bytes->len, bytes->data);
}

/* A writer that was killed leaves its temporary file behind, holding
 * customer data nobody will read: remove those old enough that no other
 * process can still be writing them. */
static void
remove_leftovers (BhStore *store)
{
  const char *dir_path = bh_store_get_data_dir (store);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!g_str_has_prefix (name, CACHE_NAME "-"))
        continue;

      path = g_build_filename (dir_path, name, NULL);
      if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) &&
          now - (gint64)st.st_mtime > CACHE_LEFTOVER_SECONDS)
        g_unlink (path);
    }
}

/**
 * _bh_snapshot_cache_write:
 * @self: a snapshot with its base arrays and the profiles with every sale
 * @store: the store it was loaded from
 * @key: what the store looked like before the snapshot was read
 * @error: return location for a #GError
 *
 * Writes the cache file for @self, replacing any other atomically.
 *
 * Returns: %TRUE on success
 */
gboolean
_bh_snapshot_cache_write (BhSnapshot        *self,
                          BhStore           *store,
                          const BhCacheKey  *key,
                          GError           **error)
{
  g_autofree char *path = _bh_snapshot_cache_path (store);
  g_autofree char *temp = g_strconcat (path, "-XXXXXX", NULL);
  CacheHeader header;
  guint64 counts[N_COUNTS];
  guint32 tag = 0;
  gboolean ok;
  int fd;
  int errsv;

  g_assert (self != NULL);
  g_assert (self->profiles != NULL && self->profiles->cutoff == G_MAXINT64);

  remove_leftovers (store);

  /* 0600 from the start: the file never exists with wider access. */
  if ((fd = g_mkstemp_full (temp, O_RDWR | O_CLOEXEC, 0600)) < 0)
    {
      errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Could not create %s: %s", temp, g_strerror (errsv));
      return FALSE;
    }

  header_init (&header, store, key);
  cache_counts (self, counts);

  ok = fchmod (fd, 0600) == 0 &&
       write_exact (fd, &header, sizeof header) &&
       write_section (fd, tag++, sizeof (guint64), N_COUNTS, counts);

  for (guint i = 0; ok && i < G_N_ELEMENTS (list_fields); i++)
    ok = write_list (fd, tag++, *field_pointer (self, list_fields[i].offset));

  for (guint i = 0; ok && i < G_N_ELEMENTS (array_fields); i++)
    {
      const ArrayField *field = &array_fields[i];

      ok = write_section (fd, tag++, field->size, counts[field->count] + field->plus_one,
                          *array_pointer (self, field));
    }

  errsv = errno;
  if (close (fd) != 0 && ok)
    {
      errsv = errno;
      ok = FALSE;
    }

  if (ok && g_rename (temp, path) != 0)
    {
      errsv = errno;
      ok = FALSE;
    }

  if (!ok)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Could not write %s: %s", path, g_strerror (errsv));
      g_unlink (temp);
      return FALSE;
    }

  return TRUE;
}

/* Reading */

/* A position in the file; readers at different positions can work at
 * the same time. */
typedef struct
{
  int     fd;
  goffset at;
  goffset end;
} Reader;

static gboolean
read_exact (Reader   *reader,
            gpointer  data,
            gsize     len)
{
  if (len > (guint64)(reader->end - reader->at) ||
      !transfer_all (reader->fd, data, len, reader->at))
    return FALSE;

  reader->at += len;

  return TRUE;
}

/* Reads a section into a new buffer of @count + @extra elements (the
 * extra ones zeroed), checking its frame and hash. */
static gpointer
read_section (Reader      *reader,
              guint32      tag,
              guint32      elem_size,
              guint64      count,
              guint64      extra,
              const char **why)
{
  SectionFrame frame;
  g_autofree guint8 *data = NULL;
  gsize len, total;
  Hash hash;
  guint64 sum;

  if (!read_exact (reader, &frame, sizeof frame))
    {
      *why = "it ends early";
      return NULL;
    }

  if (frame.tag != tag || frame.elem_size != elem_size || frame.count != count)
    {
      *why = "a section does not fit the counts";
      return NULL;
    }

  /* Before allocating: a damaged count must not ask for terabytes. */
  if (count > (guint64)(reader->end - reader->at) / elem_size)
    {
      *why = "it ends early";
      return NULL;
    }

  len = elem_size * count;
  total = len + (8 - len % 8) % 8;
  data = g_malloc ((count + extra) * elem_size + 8);

  hash_init (&hash);
  for (gsize done = 0; done < total; done += CACHE_CHUNK)
    {
      gsize chunk = MIN (CACHE_CHUNK, total - done);

      if (!read_exact (reader, data + done, chunk))
        {
          *why = "it ends early";
          return NULL;
        }
      /* Every chunk but the last is a multiple of 32 bytes. */
      hash_update (&hash, data + done, chunk);
    }

  if (!read_exact (reader, &sum, sizeof sum))
    {
      *why = "it ends early";
      return NULL;
    }

  if (sum != hash_finish (&hash))
    {
      *why = "a checksum does not match";
      return NULL;
    }

  /* The padding and the spare elements read as zeros. */
  memset (data + len, 0, extra * elem_size + 8);

  return g_steal_pointer (&data);
}

static GPtrArray *
split_list (const char *bytes,
            gsize       len,
            guint64     count)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_full (count, g_free);
  gsize at = 0;

  while (at < len)
    {
      const char *end = memchr (bytes + at, '\0', len - at);

      if (end == NULL || list->len >= count)
        return NULL;

      g_ptr_array_add (list, g_strndup (bytes + at, end - (bytes + at)));
      at = end - bytes + 1;
    }

  return list->len == count ? g_steal_pointer (&list) : NULL;
}

static gboolean
starts_valid (const guint64 *start,
              guint64        n,
              guint64        total)
{
  if (start[0] != 0 || start[n] != total)
    return FALSE;

  for (guint64 i = 0; i < n; i++)
    if (start[i] > start[i + 1])
      return FALSE;

  return TRUE;
}

static gboolean
ids_ascending (const gint64 *ids,
               guint         n)
{
  for (guint i = 1; i < n; i++)
    if (ids[i - 1] >= ids[i])
      return FALSE;

  return TRUE;
}

/* Whether every index in @self points inside what it indexes: a build
 * follows them without checks. */
static gboolean
snapshot_valid (BhSnapshot *self,
                guint64     n_cities,
                guint64     n_categories,
                guint64     n_event_aspects,
                guint64     n_entries)
{
  BhProfiles *profiles = self->profiles;
  gsize n_strings = self->strings_len;

  if (n_strings == 0 || self->strings[0] != '\0' || self->strings[n_strings - 1] != '\0')
    return FALSE;

  if (!ids_ascending (self->customer_store_id, self->n_customers) ||
      !ids_ascending (self->event_store_id, self->n_events))
    return FALSE;

  for (guint c = 0; c < self->n_customers; c++)
    if (self->customer_ext_id[c] >= n_strings ||
        self->customer_post_code[c] >= n_strings ||
        (self->customer_city[c] != BH_NONE && self->customer_city[c] >= n_cities))
      return FALSE;

  for (guint e = 0; e < self->n_events; e++)
    if (!g_date_valid_julian (self->event_day[e]) ||
        self->event_weekday[e] < 1 || self->event_weekday[e] > 7 ||
        self->event_aspect_start[e] > self->event_aspect_start[e + 1])
      return FALSE;

  if (self->event_aspect_start[0] != 0 ||
      self->event_aspect_start[self->n_events] != n_event_aspects)
    return FALSE;

  for (guint64 k = 0; k < n_event_aspects; k++)
    if (self->event_aspect[k] >= self->n_aspects)
      return FALSE;

  if (!starts_valid (self->sale_start, self->n_customers, self->n_sales) ||
      !starts_valid (self->buyer_start, self->n_events, self->buyer_start[self->n_events]))
    return FALSE;

  for (guint64 s = 0; s < self->n_sales; s++)
    if (self->sales[s].event >= self->n_events ||
        (self->sales[s].category != G_MAXUINT16 && self->sales[s].category >= n_categories))
      return FALSE;

  for (guint64 b = 0; b < self->buyer_start[self->n_events]; b++)
    if (self->buyer[b] >= self->n_customers)
      return FALSE;

  if (!starts_valid (profiles->row_start, self->n_customers, n_entries) ||
      !starts_valid (profiles->column_start, self->n_aspects, n_entries))
    return FALSE;

  for (guint64 k = 0; k < n_entries; k++)
    if (profiles->row_aspect[k] >= self->n_aspects ||
        profiles->column_customer[k] >= self->n_customers)
      return FALSE;

  return TRUE;
}

typedef struct
{
  BhSnapshot     *self;
  int             fd;
  goffset         end;
  guint32         first_tag;
  const guint64  *counts;
  const goffset  *offsets;   /* of each array section, and the end */
  const char    **why;       /* per part */
} ArrayRead;

static gsize
section_bytes (guint64 len)
{
  return sizeof (SectionFrame) + len + (8 - len % 8) % 8 + sizeof (guint64);
}

/* Each part reads the sections whose middle lies in its share of the
 * bytes: the sales on one core, the profiles on the other. */
static void
read_arrays_part (guint    part,
                  guint    n_parts,
                  gpointer data)
{
  ArrayRead *read = data;
  goffset first = read->offsets[0];
  goffset total = read->offsets[G_N_ELEMENTS (array_fields)] - first;

  for (guint i = 0; i < G_N_ELEMENTS (array_fields); i++)
    {
      const ArrayField *field = &array_fields[i];
      goffset middle = (read->offsets[i] + read->offsets[i + 1]) / 2 - first;
      Reader reader = { read->fd, read->offsets[i], read->end };
      gpointer array;

      /* Every section has a frame, so total is never 0. */
      if ((guint)((guint64)middle * n_parts / (guint64)total) != part)
        continue;

      /* One spare element, as the loader allocates. */
      array = read_section (&reader, read->first_tag + i, field->size,
                            read->counts[field->count] + field->plus_one, 1,
                            &read->why[part]);
      if (array == NULL)
        return;
      *array_pointer (read->self, field) = array;
    }
}

static gboolean
read_arrays (BhSnapshot     *self,
             Reader         *reader,
             guint32         first_tag,
             const guint64  *counts,
             const char    **why)
{
  guint n_parts = _bh_parallel_parts ();
  g_autofree const char **part_why = g_new0 (const char *, n_parts);
  goffset offsets[G_N_ELEMENTS (array_fields) + 1];
  ArrayRead read;

  /* Where each section starts follows from the counts. */
  offsets[0] = reader->at;
  for (guint i = 0; i < G_N_ELEMENTS (array_fields); i++)
    {
      const ArrayField *field = &array_fields[i];
      guint64 count = counts[field->count] + field->plus_one;

      if (count > (guint64)reader->end / field->size)
        {
          *why = "it ends early";
          return FALSE;
        }
      offsets[i + 1] = offsets[i] + section_bytes (count * field->size);
      if (offsets[i + 1] > reader->end)
        {
          *why = "it ends early";
          return FALSE;
        }
    }

  if (offsets[G_N_ELEMENTS (array_fields)] != reader->end)
    {
      *why = "it has data after its end";
      return FALSE;
    }

  self->profiles = _bh_profiles_new (G_MAXINT64);

  read = (ArrayRead) {
    .self = self,
    .fd = reader->fd,
    .end = reader->end,
    .first_tag = first_tag,
    .counts = counts,
    .offsets = offsets,
    .why = part_why,
  };
  _bh_parallel_run (n_parts, read_arrays_part, &read);

  for (guint part = 0; part < n_parts; part++)
    if (part_why[part] != NULL)
      {
        *why = part_why[part];
        return FALSE;
      }

  return TRUE;
}

static gboolean
read_cache (BhSnapshot        *self,
            BhStore           *store,
            const BhCacheKey  *key,
            int                fd,
            const char       **why)
{
  g_autofree guint64 *counts = NULL;
  CacheHeader header, expected;
  struct stat st;
  Reader reader = { fd, 0, 0 };
  guint32 tag = 0;

  if (fstat (fd, &st) != 0)
    {
      *why = g_strerror (errno);
      return FALSE;
    }
  reader.end = st.st_size;

  header_init (&expected, store, key);
  if (!read_exact (&reader, &header, sizeof header) ||
      memcmp (header.magic, expected.magic, sizeof header.magic) != 0)
    {
      *why = "it is not a snapshot cache";
      return FALSE;
    }

  if (header.format != expected.format || header.byte_order != expected.byte_order ||
      header.float_check != expected.float_check ||
      memcmp (header.sizes, expected.sizes, sizeof header.sizes) != 0)
    {
      *why = "another version of Backhaul or another machine wrote it";
      return FALSE;
    }

  /* A cache of other data is not damaged, only out of date. */
  if (header.schema != expected.schema || header.generation != expected.generation ||
      header.max_customer_id != expected.max_customer_id ||
      header.max_event_id != expected.max_event_id ||
      header.max_sale_id != expected.max_sale_id)
    {
      *why = NULL;
      return FALSE;
    }

  if (!(counts = read_section (&reader, tag++, sizeof (guint64), N_COUNTS, 0, why)))
    return FALSE;

  if (counts[COUNT_CUSTOMERS] >= G_MAXUINT32 || counts[COUNT_EVENTS] >= G_MAXUINT32 ||
      counts[COUNT_ASPECTS] >= G_MAXUINT32 || counts[COUNT_CITIES] >= G_MAXUINT32 ||
      counts[COUNT_CATEGORIES] >= G_MAXUINT16 || counts[COUNT_STRINGS] >= G_MAXUINT32 ||
      counts[COUNT_EVENT_ASPECTS] >= G_MAXUINT32)
    {
      *why = "a count is out of range";
      return FALSE;
    }

  self->n_customers = (guint)counts[COUNT_CUSTOMERS];
  self->n_events = (guint)counts[COUNT_EVENTS];
  self->n_aspects = (guint)counts[COUNT_ASPECTS];
  self->n_sales = counts[COUNT_SALES];
  self->strings_len = counts[COUNT_STRINGS];
  self->last_purchase = (gint64)counts[COUNT_LAST_PURCHASE];

  for (guint i = 0; i < G_N_ELEMENTS (list_fields); i++)
    {
      const ListField *field = &list_fields[i];
      g_autofree char *bytes = NULL;
      SectionFrame frame;
      GPtrArray *list;

      /* The frame says how long the list is; read it, then go back. */
      if (!read_exact (&reader, &frame, sizeof frame))
        {
          *why = "it ends early";
          return FALSE;
        }
      reader.at -= sizeof frame;

      if (!(bytes = read_section (&reader, tag++, 1, frame.count, 0, why)))
        return FALSE;
      if (!(list = split_list (bytes, frame.count, counts[field->count])))
        {
          *why = "a list of names does not fit the counts";
          return FALSE;
        }
      *field_pointer (self, field->offset) = list;
    }

  if (!read_arrays (self, &reader, tag, counts, why))
    return FALSE;

  if (!snapshot_valid (self, counts[COUNT_CITIES], counts[COUNT_CATEGORIES],
                       counts[COUNT_EVENT_ASPECTS], counts[COUNT_PROFILE_ENTRIES]))
    {
      *why = "an index points outside its table";
      return FALSE;
    }

  return TRUE;
}

/**
 * _bh_snapshot_cache_read:
 * @self: an empty snapshot
 * @store: the store the cache belongs to
 * @key: what the store looks like now
 *
 * Fills @self's base arrays and profiles from the cache file if there is one for the
 * store as @key describes it. A damaged or foreign file is reported with
 * a warning; an out-of-date one only in the debug log.
 *
 * Returns: %TRUE if @self was filled; on %FALSE it holds a partial read
 *   that the caller must discard
 */
gboolean
_bh_snapshot_cache_read (BhSnapshot       *self,
                         BhStore          *store,
                         const BhCacheKey *key)
{
  g_autofree char *path = _bh_snapshot_cache_path (store);
  const char *why = NULL;
  gboolean ok;
  int fd;

  g_assert (self != NULL);

  if ((fd = g_open (path, O_RDONLY | O_CLOEXEC, 0)) < 0)
    {
      if (errno != ENOENT)
        g_warning ("Could not open the snapshot cache %s: %s", path, g_strerror (errno));
      return FALSE;
    }

  ok = read_cache (self, store, key, fd, &why);
  close (fd);

  if (!ok && why != NULL)
    g_warning ("Ignoring the snapshot cache %s: %s", path, why);
  else if (!ok)
    g_debug ("The snapshot cache is out of date");

  return ok;
}

/**
 * _bh_snapshot_cache_remove:
 * @store: a store
 *
 * Removes the store's snapshot cache, if there is one.
 */
void
_bh_snapshot_cache_remove (BhStore *store)
{
  g_autofree char *path = _bh_snapshot_cache_path (store);

  if (g_unlink (path) != 0 && errno != ENOENT)
    g_warning ("Could not remove the snapshot cache %s: %s", path, g_strerror (errno));
}
