#ifndef VEIL_AGE_ARMOR_H
#define VEIL_AGE_ARMOR_H
/* ASCII armor (strict PEM, RFC 7468) around a whole age file, as a reader
 * and a writer adapter so armored files stream in constant memory. */
#include <stddef.h>
#include <stdint.h>
#include "veil/age.h"

#define VEIL_ARMOR_BEGIN "-----BEGIN AGE ENCRYPTED FILE-----"
#define VEIL_ARMOR_END   "-----END AGE ENCRYPTED FILE-----"

typedef struct veil_armor_reader veil_armor_reader;
typedef struct veil_armor_writer veil_armor_writer;

/* Wraps an underlying reader; read errors for bad armor are VEIL_EARMOR. */
int veil_armor__reader_new(veil_armor_reader **out, veil_read_fn rd, void *payload);
long veil_armor__read(void *armor_reader, uint8_t *buf, size_t len);
void veil_armor__reader_free(veil_armor_reader *ar);

int veil_armor__writer_new(veil_armor_writer **out, veil_write_fn wr, void *payload);
int veil_armor__write(void *armor_writer, const uint8_t *buf, size_t len);
/* Writes the last line and the END line. */
int veil_armor__writer_finish(veil_armor_writer *aw);
void veil_armor__writer_free(veil_armor_writer *aw);

#endif
