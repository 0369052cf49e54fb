/* Stable per-device host keys: ed25519 from a hash of (seed, name), in
 * OpenSSH's own key format (libssh rejects OpenSSL PEM ed25519 keys during
 * key exchange), optionally kept as files. */
#include "server.h"


static void put32(unsigned char *b, size_t *n, uint32_t v)
{
	b[(*n)++] = (unsigned char)(v >> 24);
	b[(*n)++] = (unsigned char)(v >> 16);
	b[(*n)++] = (unsigned char)(v >> 8);
	b[(*n)++] = (unsigned char)v;
}

static void putstr(unsigned char *b, size_t *n, const void *p, size_t len)
{
	put32(b, n, (uint32_t)len);
	memcpy(b + *n, p, len);
	*n += len;
}

/* An unencrypted "openssh-key-v1" ed25519 key, which libssh reads with its
 * own ed25519 code (its OpenSSL PEM path cannot duplicate such keys). */
static char *openssh_pem(const unsigned char priv[32], const unsigned char pub[32])
{
	unsigned char blob[512], sec[256], pk[64], sk[64];
	size_t n = 0, ns = 0, npk = 0;
	char *pem, *p;
	int len;

	memcpy(sk, priv, 32);
	memcpy(sk + 32, pub, 32);
	putstr(pk, &npk, "ssh-ed25519", 11);
	putstr(pk, &npk, pub, 32);
	put32(sec, &ns, 0x63736170);
	put32(sec, &ns, 0x63736170);
	putstr(sec, &ns, "ssh-ed25519", 11);
	putstr(sec, &ns, pub, 32);
	putstr(sec, &ns, sk, 64);
	putstr(sec, &ns, "ccapsim", 7);
	for (unsigned char pad = 1; ns % 8; pad++)
		sec[ns++] = pad;
	memcpy(blob, "openssh-key-v1", 15);
	n = 15;
	putstr(blob, &n, "none", 4);
	putstr(blob, &n, "none", 4);
	putstr(blob, &n, "", 0);
	put32(blob, &n, 1);
	putstr(blob, &n, pk, npk);
	putstr(blob, &n, sec, ns);
	pem = malloc(1024);
	if (!pem)
		return NULL;
	p = pem + sprintf(pem, "-----BEGIN OPENSSH PRIVATE KEY-----\n");
	len = EVP_EncodeBlock((unsigned char *)p, blob, (int)n);
	p += len;
	sprintf(p, "\n-----END OPENSSH PRIVATE KEY-----\n");
	return pem;
}

void *cs_host_key(uint64_t seed, const char *name, int alt, const char *dir)
{
	unsigned char priv[32], sb[8];
	unsigned int mdlen = 0;
	char path[4096], *pem = NULL;
	ssh_key key = NULL;
	EVP_MD_CTX *md;
	EVP_PKEY *pk;
	size_t publen = 32;
	unsigned char pub[32];

	if (dir && !alt) {
		snprintf(path, sizeof(path), "%s/%s.key", dir, name);
		if (access(path, R_OK) == 0 &&
		    ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) == SSH_OK)
			return key;
	}
	for (int i = 0; i < 8; i++)
		sb[i] = (unsigned char)(seed >> (8 * i));
	md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(md, "ccapsim-hostkey", 15) ||
	    !EVP_DigestUpdate(md, sb, sizeof(sb)) ||
	    !EVP_DigestUpdate(md, name, strlen(name)) ||
	    (alt && !EVP_DigestUpdate(md, "/other", 6)) ||
	    !EVP_DigestFinal_ex(md, priv, &mdlen)) {
		EVP_MD_CTX_free(md);
		return NULL;
	}
	EVP_MD_CTX_free(md);
	pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, priv, 32);

	if (pk && EVP_PKEY_get_raw_public_key(pk, pub, &publen) && publen == 32)
		pem = openssh_pem(priv, pub);
	EVP_PKEY_free(pk);
	if (!pem || ssh_pki_import_privkey_base64(pem, NULL, NULL, NULL, &key) != SSH_OK)
		key = NULL;
	free(pem);
	if (key && dir && !alt) {
		snprintf(path, sizeof(path), "%s/%s.key", dir, name);
		ssh_pki_export_privkey_file(key, NULL, NULL, NULL, path);
		snprintf(path, sizeof(path), "%s/%s.pub", dir, name);
		ssh_pki_export_pubkey_file(key, path);
	}
	return key;
}

