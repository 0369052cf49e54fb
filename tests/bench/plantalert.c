/*
 * Plant alerts on the scan's hot path: 1,000 devices x 16 upstreams scanned
 * sweep after sweep into the plant state (ms_plant_scan, what the scanner
 * does anyway: the baseline of the same run), then the same with the
 * evaluation after each device scan (ms_plantalert_scan), with every
 * upstream at QAM64, every upstream below QAM64 (each one tracked and
 * open) and every upstream flapping (an alert or a recovery each scan);
 * and the state file of the worst case rendered and parsed.  Prints
 * figures and ratios; asserts nothing.
 */
#include "buf.h"
#include "mstime.h"
#include "plant.h"
#include "plantalert.h"

enum { DEVS = 1000, UPS = 16, SWEEPS = 100 };

enum mode { ALL_QAM64, ALL_BELOW, FLAPPING };

static const char *const mode_names[] = {
	"every upstream at QAM64", "every upstream below QAM64",
	"every upstream flapping"
};

static struct ms_sample smp[DEVS][UPS];
static char names[DEVS][16];

static void fill(enum mode m, int sweep)
{
	size_t d, u;

	for (d = 0; d < DEVS; d++)
		for (u = 0; u < UPS; u++) {
			smp[d][u].time = 1764600000 + sweep * 600;
			smp[d][u].mod = m == ALL_QAM64 ? MS_MOD_QAM64
				: m == ALL_BELOW ? MS_MOD_QPSK
				: sweep % 2 ? MS_MOD_QAM64 : MS_MOD_QAM16;
		}
}

/* Seconds for SWEEPS sweeps; *events counts what the evaluation raised. */
static double run(enum mode m, bool alerts, size_t *events,
		  struct ms_plantalert *pa)
{
	struct ms_plantalert_conf c = { 0, 4, 3 };
	struct ms_plantalert_out out = { 0 };
	struct ms_plant p;
	ms_msec_t t0, spent = 0;
	size_t d;
	int s;

	ms_plant_init(&p, 1200);
	*events = 0;
	for (s = 0; s < SWEEPS; s++) {
		fill(m, s);
		t0 = ms_mono_now();
		for (d = 0; d < DEVS; d++) {
			ms_plant_scan(&p, names[d], smp[d], UPS, true,
				      (smp[d][0].time + 5) * 1000);
			if (!alerts)
				continue;
			out.n = 0;
			ms_plantalert_scan(pa, &c, &p.devs[d], &out);
			*events += out.n;
		}
		spent += ms_mono_now() - t0;
	}
	ms_plantalert_out_release(&out);
	ms_plant_release(&p);
	return (double)spent / 1000;
}

int main(void)
{
	struct ms_plantalert pa, back;
	struct ms_buf text;
	struct ms_err err;
	double base, with;
	ms_msec_t t0, t1, t2;
	size_t d, u, events;
	int m;

	for (d = 0; d < DEVS; d++) {
		snprintf(names[d], sizeof(names[d]), "CCAP%05zu", d);
		for (u = 0; u < UPS; u++) {
			snprintf(smp[d][u].device, sizeof(smp[d][u].device),
				 "%s", names[d]);
			snprintf(smp[d][u].upstream,
				 sizeof(smp[d][u].upstream), "%zu/0/%zu/%zu",
				 u / 8, u / 4 % 2, u % 4);
		}
	}
	printf("plantalert: %d devices x %d upstreams, %d sweeps each\n",
	       DEVS, UPS, SWEEPS);
	for (m = ALL_QAM64; m <= FLAPPING; m++) {
		ms_plantalert_init(&pa);
		base = run((enum mode)m, false, &events, &pa);
		with = run((enum mode)m, true, &events, &pa);
		printf("plantalert: %-27s plant %.1f ms/sweep, with alerts "
		       "%.1f ms/sweep (ratio %.2f), %zu events\n",
		       mode_names[m], base * 1000 / SWEEPS,
		       with * 1000 / SWEEPS, base > 0 ? with / base : 0,
		       events);
		if (m != ALL_BELOW) {
			ms_plantalert_release(&pa);
			continue;
		}
		ms_buf_init(&text, MS_PLANTALERT_MAX);
		ms_plantalert_init(&back);
		t0 = ms_mono_now();
		ms_plantalert_render(&pa, &text);
		t1 = ms_mono_now();
		if (ms_plantalert_parse(&back, text.p, text.len, &err) < 0)
			fprintf(stderr, "plantalert: %s\n", err.msg);
		t2 = ms_mono_now();
		printf("plantalert: state file of %zu bytes: render %lld ms, "
		       "parse %lld ms\n", text.len, (long long)(t1 - t0),
		       (long long)(t2 - t1));
		ms_buf_release(&text);
		ms_plantalert_release(&back);
		ms_plantalert_release(&pa);
	}
	return 0;
}
