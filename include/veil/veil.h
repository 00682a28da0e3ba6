#ifndef VEIL_VEIL_H
#define VEIL_VEIL_H

#include "veil/error.h"
#include "veil/keys.h"
#include "veil/age.h"

#define VEIL_VERSION "0.1.0"

/* Initialises libsodium; call once before anything else. Fails closed. */
VEIL_EXTERN int veil_init(void);

#endif
