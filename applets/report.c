/* The report applet: not built yet; it says so instead of pretending. */
#include "applets.h"

const char ms_report_usage[] =
	"usage: modscan report [--help]\n"
	"\n"
	"This applet is not built yet.\n";

int ms_report_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ms_applet_error("not built yet");
	return MS_EXIT_FAIL;
}
