/* The status applet: not built yet; it says so instead of pretending. */
#include "applets.h"

const char ms_status_usage[] =
	"usage: modscan status [--help]\n"
	"\n"
	"This applet is not built yet.\n";

int ms_status_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ms_applet_error("not built yet");
	return MS_EXIT_FAIL;
}
