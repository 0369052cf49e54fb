/*
 * Unit tests of Fernet decryption.  The tokens were made with Debian's
 * python3-cryptography (Fernet._encrypt_from_parts with the key bytes
 * 0..31, IV bytes 100..115, time 1700000000); the bad-padding token has a
 * valid HMAC over a block whose last plaintext byte is 0.
 */
#include "fernet.h"
#include "harness.h"

static const char key[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
static const char key2[] = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

static const struct {
	const char *token, *plain;
} good[] = {
	{ "gAAAAABlU_EAZGVmZ2hpamtsbW5vcHFycwohCGftV42ZN2jR4ndbsQYD5txEZJb0"
	  "m7Wk7aGxpGEcykF2MMOS7jqQmrfiJB5rCw==", "" },
	{ "gAAAAABlU_EAZGVmZ2hpamtsbW5vcHFycwE17jRL1f5aRq79M6QWnawnWgwpzsS3"
	  "GNHz0V2-tCXvLPza4hwJ_eq3ajVkMXxuaw==", "secret" },
	{ "gAAAAABlU_EAZGVmZ2hpamtsbW5vcHFyc3vq2AAGkst03yL2G-7xkYCajdECEFGN"
	  "ddbKJK1WyEQ7WiGAp08bEQ-liQd_Xg_c5J4RblhH1yQ1NDJ-BHK0Hyc=",
	  "exactly16bytes!!" },
	{ "gAAAAABlU_EAZGVmZ2hpamtsbW5vcHFycxGSlSQS-bFWYhMFtly38aqMWeGQAZWg"
	  "_1gA7izSziq12HEijY-WQ2jKQjY3dWf7n20rvXEgxfQUEGQ8IwFz_TRkbmyN08f0"
	  "DxIeDkl1c3-sDppO-f-FjpKNUDJiynu9-g==",
	  "p@ss w0rd \"quoted\" with a longer tail of text here" },
};

static const char bad_pad[] =
	"gAAAAABlU_EAZGVmZ2hpamtsbW5vcHFyc2o5qQmWaIso2aAMUgEGr8dpHtMm8wO1TAQB"
	"O3icaV4tksnIbdIbZCBnPzuBxgBkFw==";

static int try(const char *k, const char *tok, char **out)
{
	struct ms_err err;

	return ms_fernet_decrypt(k, tok, out, &err);
}

int main(void)
{
	char *out, tampered[256];
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(good); i++) {
		is_int(try(key, good[i].token, &out),
		       (int)strlen(good[i].plain), "token %zu decrypts", i);
		is_str(out, good[i].plain, "token %zu plaintext", i);
		free(out);
		ok(ms_fernet_is_token(good[i].token), "token %zu looks like "
		   "one", i);
	}
	/* without the = padding, as some tools write them */
	snprintf(tampered, sizeof(tampered), "%.*s",
		 (int)strlen(good[1].token) - 2, good[1].token);
	is_int(try(key, tampered, &out), 6, "unpadded token decrypts");
	free(out);
	is_int(try(key2, good[1].token, &out), MS_E_AUTH,
	       "another key does not verify");
	ok(out == NULL, "nothing is returned on failure");
	snprintf(tampered, sizeof(tampered), "%s", good[1].token);
	tampered[60] = tampered[60] == 'A' ? 'B' : 'A';
	is_int(try(key, tampered, &out), MS_E_AUTH,
	       "a changed ciphertext byte does not verify");
	is_int(try(key, bad_pad, &out), MS_E_AUTH,
	       "bad padding behind a valid HMAC is refused");
	is_int(try("c2hvcnQ=", good[1].token, &out), MS_E_INVAL,
	       "a key of the wrong length is refused");
	is_int(try(key, "gAAAAAnot base64!", &out), MS_E_PARSE,
	       "text that is no base64 is no token");
	is_int(try(key, "gAAAAABlU_EA", &out), MS_E_PARSE,
	       "a truncated token is no token");
	ok(!ms_fernet_is_token("plainpassword"), "a plain value is no token");
	return done_testing();
}
