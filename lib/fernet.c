/* Fernet token decryption on mbedTLS (see fernet.h). */
#include "fernet.h"

#include <mbedtls/aes.h>
#include <mbedtls/base64.h>
#include <mbedtls/constant_time.h>
#include <mbedtls/md.h>

enum {
	KEY_LEN = 32, HALF = 16, VERSION = 0x80,
	HEAD = 1 + 8 + 16,		/* version, time, IV */
	MAC = 32
};

bool ms_fernet_is_token(const char *s)
{
	return !strncmp(s, "gAAAAA", 6);
}

/*
 * base64url (padding optional) into out[size]; the decoded length, or -1.
 * The text is rewritten to the standard alphabet in a scratch copy that
 * is wiped: a key is a secret.
 */
static ssize_t b64url(const char *s, unsigned char *out, size_t size)
{
	size_t n = strlen(s), i, olen = 0;
	char *t;
	int r;

	if (n > MS_FERNET_MAX || !(t = malloc(n + 4)))
		return -1;
	for (i = 0; i < n; i++)
		t[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
	while (n % 4)
		t[n++] = '=';
	t[n] = '\0';
	r = mbedtls_base64_decode(out, size, &olen, (unsigned char *)t, n);
	explicit_bzero(t, n);
	free(t);
	return r ? -1 : (ssize_t)olen;
}

static int verify(const unsigned char *key, const unsigned char *tok,
		  size_t len)
{
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(
		MBEDTLS_MD_SHA256);
	unsigned char mac[MAC];
	int r;

	if (!md || mbedtls_md_hmac(md, key, HALF, tok, len - MAC, mac))
		return MS_E_AUTH;
	r = mbedtls_ct_memcmp(mac, tok + len - MAC, MAC) ? MS_E_AUTH : 0;
	explicit_bzero(mac, sizeof(mac));
	return r;
}

/* AES-128-CBC and PKCS#7 of the verified token into out; its length. */
static int decrypt(const unsigned char *key, const unsigned char *tok,
		   size_t len, unsigned char *out)
{
	size_t clen = len - HEAD - MAC, i;
	unsigned char iv[HALF], pad;
	mbedtls_aes_context aes;
	int r = 0;

	memcpy(iv, tok + 9, HALF);
	mbedtls_aes_init(&aes);
	if (mbedtls_aes_setkey_dec(&aes, key + HALF, 128) ||
	    mbedtls_aes_crypt_cbc(&aes, MBEDTLS_AES_DECRYPT, clen, iv,
				  tok + HEAD, out))
		r = MS_E_AUTH;
	mbedtls_aes_free(&aes);
	if (r < 0)
		return r;
	pad = out[clen - 1];
	if (pad < 1 || pad > HALF)
		return MS_E_AUTH;
	for (i = clen - pad; i < clen; i++)
		if (out[i] != pad)
			return MS_E_AUTH;
	return (int)(clen - pad);
}

int ms_fernet_decrypt(const char *key, const char *token, char **out,
		      struct ms_err *err)
{
	unsigned char k[KEY_LEN + 3], *tok = NULL, *pt = NULL;
	size_t cap = strlen(token);
	ssize_t klen, len;
	int r;

	*out = NULL;
	klen = b64url(key, k, sizeof(k));
	if (klen != KEY_LEN) {
		r = ms_err_set(err, MS_E_INVAL, "FERNET_KEY is not the "
			       "base64url of 32 bytes");
		goto out;
	}
	if (!(tok = malloc(cap + 1)) || !(pt = malloc(cap + 1))) {
		r = ms_err_set(err, MS_E_NOMEM, "out of memory");
		goto out;
	}
	len = b64url(token, tok, cap);
	if (len < HEAD + HALF + MAC || tok[0] != VERSION ||
	    (len - HEAD - MAC) % HALF) {
		r = ms_err_set(err, MS_E_PARSE, "not a Fernet token");
		goto out;
	}
	if ((r = verify(k, tok, (size_t)len)) < 0 ||
	    (r = decrypt(k, tok, (size_t)len, pt)) < 0) {
		r = ms_err_set(err, MS_E_AUTH, "the Fernet token does not "
			       "verify with FERNET_KEY");
		goto out;
	}
	pt[r] = '\0';
	if (memchr(pt, '\0', (size_t)r)) {
		r = ms_err_set(err, MS_E_PARSE, "the decrypted value holds "
			       "a NUL byte");
		goto out;
	}
	*out = (char *)pt;
	pt = NULL;
out:
	explicit_bzero(k, sizeof(k));
	if (tok)
		explicit_bzero(tok, cap + 1);
	if (pt)
		explicit_bzero(pt, cap + 1);
	free(tok);
	free(pt);
	return r;
}
