/*
 * Fernet tokens (the old tool's encrypted .env values): base64url of
 * version 0x80, 8-byte time, 16-byte IV, AES-128-CBC ciphertext and an
 * HMAC-SHA256 over all of that.  The HMAC is checked, in constant time,
 * before anything is decrypted.
 */
#ifndef MS_FERNET_H
#define MS_FERNET_H

#include "ms.h"
#include "err.h"

enum { MS_FERNET_MAX = 64 * 1024 };	/* longest token accepted */

/* Whether s looks like a token (the old tool's test: prefix "gAAAAA"). */
bool ms_fernet_is_token(const char *s);

/*
 * Decrypt token with key (base64url of 32 bytes).  On success *out is a
 * NUL-terminated heap copy of the plaintext, which the caller wipes
 * (explicit_bzero) and frees, and the return is its length.  Fails with
 * MS_E_INVAL for a bad key, MS_E_PARSE for text that is no token and
 * MS_E_AUTH when the HMAC or the padding does not verify.
 */
int ms_fernet_decrypt(const char *key, const char *token, char **out,
		      struct ms_err *err);

#endif
