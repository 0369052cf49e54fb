/*
 * Version report.  Library versions are asked of the libraries at run
 * time where they can say, so the output is what is really linked.
 */
#include "version.h"

#include <cjson/cJSON.h>
#include <libssh/libssh.h>
#include <mbedtls/version.h>
#include <mysql.h>
#include <openssl/crypto.h>
#include <zlib.h>

#include "build-version.h"

const char ms_version[] = MS_BUILD_VERSION;
const char ms_build_date[] = MS_BUILD_DATE;

int ms_version_render(struct ms_buf *b)
{
	char mbed[32];
	const char *mariadb = NULL;

	mbedtls_version_get_string(mbed);
	if (mariadb_get_infov(NULL, MARIADB_CLIENT_VERSION, &mariadb) != 0 ||
	    !mariadb)
		mariadb = mysql_get_client_info();
	return ms_buf_printf(b,
			     "modscan %s (built %s)\n"
			     "libssh %s\n"
			     "MariaDB Connector/C %s (client %s)\n"
			     "mbedTLS %s\n"
			     "%s\n"
			     "cJSON %s\n"
			     "zlib %s\n",
			     ms_version, ms_build_date, ssh_version(0),
			     MARIADB_PACKAGE_VERSION, mariadb, mbed,
			     OpenSSL_version(OPENSSL_VERSION), cJSON_Version(),
			     zlibVersion());
}
