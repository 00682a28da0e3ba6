#ifndef VEIL_SOPS_REKEY_H
#define VEIL_SOPS_REKEY_H
/*
 * Key changes of an existing encrypted file: `rotate` (a new data key for
 * the same recipients and rules) and `updatekeys` (the same data key
 * wrapped for the recipients of the current creation rule, values, mac and
 * lastmodified untouched).
 */
#include "sops/metadata.h"
#include "veil/sops.h"

#endif
