#ifndef VEIL_VEIL_H
#define VEIL_VEIL_H

#include "veil/error.h"
#include "veil/keys.h"
#include "veil/age.h"
#include "veil/doc.h"
#include "veil/sops.h"
#include "veil/check.h"
#include "veil/git.h"
#include "veil/k8s.h"

VEIL_BEGIN_DECL

#define VEIL_VERSION "0.1.0"

/* Initialises libsodium; call once before anything else. Fails closed. */
VEIL_EXTERN int veil_init(void);

VEIL_END_DECL

#endif
