/* ccapsim: an SSH server that plays a fleet of CCAPs (E6000, Casa, cBR-8)
 * for modscan's tests and benchmarks.  Self-contained on purpose: it shares
 * no code with modscan's parsers, so the two can check each other. */
#ifndef CCAPSIM_H
#define CCAPSIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { CS_E6000, CS_CASA, CS_CBR8, CS_NFAM };
enum { CS_MAX_UPSTREAMS = 512, CS_STEP_S = 60, CS_HISTORY_STEPS = 1440 };

/* Fault kinds, one bit each in struct cs_dev.faults. */
#define CS_FAULTS(X) X(AUTH, "auth") X(HANG, "hang") \
	X(HANG_PROMPT, "hang-prompt") X(TRICKLE, "trickle") \
	X(DISCONNECT, "disconnect") X(GARBAGE, "garbage") \
	X(PAGING, "paging") X(INVALID, "invalid") X(SLOW, "slow") \
	X(HOSTKEY, "hostkey") X(WRAP, "wrap") X(ANSI, "ansi") \
	X(CRCRLF, "crcrlf") X(BANNER, "banner")
#define CS_FAULT_ENUM(id, name) CS_F_##id,
enum { CS_FAULTS(CS_FAULT_ENUM) CS_NFAULT };
extern const char *const cs_fault_names[CS_NFAULT];
int cs_fault_lookup(const char *name);

/* Hash salts shared by the model and the Casa history. */
enum { CS_SALT_OOS = 1, CS_SALT_TDMA, CS_SALT_UNMAPPED, CS_SALT_BURST,
       CS_SALT_BURSTLEN, CS_SALT_BURSTLVL, CS_SALT_RPHY, CS_SALT_CODESET,
       CS_SALT_SLOT, CS_SALT_ORDER, CS_SALT_DESCR };

/* Levels: 0 QAM64, 1 QAM16, 2 QPSK; a hold at QAM64 is a level of its own
 * as it is never an unmapped code. */
enum { CS_LVL_HELD64 = 3 };

/* Channel status: what a correct parser does with the channel. */
enum { CS_CH_OK, CS_CH_OOS, CS_CH_TDMA };

struct cs_dev {
	char name[32];
	int family;
	int index;		/* position in the fleet */
	int nup;		/* SC-QAM upstreams */
	uint64_t nh;		/* hash of (seed, name) */
	uint32_t faults;	/* 1u << CS_F_* */
	int port;
	int lfd;		/* listening socket */
	void *bind;		/* ssh_bind */
	/* chassis, derived from nh */
	int rphy, codeset, slot_base, group_first;
};

/* One output line and what a correct parser gets from it. */
enum { CS_L_PLAIN, CS_L_ROW, CS_L_HDR_UP, CS_L_HDR_DOWN, CS_L_BIND,
       CS_L_GROUP, CS_L_OFDM, CS_L_PROMPT };
struct cs_line {
	uint32_t off, len;
	uint8_t kind;
	uint8_t n;		/* cBR-8 US number (HDR, BIND) */
	uint16_t chan;		/* channel or MAC-domain index */
	int16_t code;
};
struct cs_text {
	char *buf;
	size_t len, cap;
	struct cs_line *lines;
	size_t nlines, lcap;
};
void cs_text_release(struct cs_text *t);
void cs_text_add(struct cs_text *t, int kind, int chan, int n, int code,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void cs_text_reset(struct cs_text *t);

/* model.c: a pure function of (seed, name, channel, step) */
uint64_t cs_mix(uint64_t x);
uint64_t cs_name_hash(uint64_t seed, const char *name);
uint64_t cs_h(uint64_t nh, uint64_t a, uint64_t b, uint32_t salt);
double cs_u(uint64_t nh, uint64_t a, uint64_t b, uint32_t salt);
void cs_dev_setup(struct cs_dev *d, uint64_t seed, const char *name,
		  int family, int nup);
int cs_family_of_name(const char *name);
const char *cs_family_name(int fam);
int cs_chan_status(const struct cs_dev *d, int i);
int cs_level(const struct cs_dev *d, int i, int64_t step);
int cs_code(const struct cs_dev *d, int i, int level);
const char *cs_mod_name(int code);
void cs_chan_name(const struct cs_dev *d, int i, char *buf, size_t n);
int cs_ndomains(const struct cs_dev *d);
void cs_domain_name(const struct cs_dev *d, int dom, char *buf, size_t n);
/* The Description of a cBR-8 MAC domain's UB row ("FN-0412"), seeded;
 * about one domain in five has none: 0 and buf "". */
int cs_domain_descr(const struct cs_dev *d, int dom, char *buf, size_t n);
int cs_domain_lookup(const struct cs_dev *d, const char *sp);
int cs_casa_lookup(const struct cs_dev *d, const char *name);

/* hold.c: upstreams held at a modulation from a time on.  cs_hold_add
 * takes one --hold NAME/UPSTREAM=MOD@EPOCH; cs_hold_control replaces the
 * rules of the control file (same syntax, one a line, # comments; a
 * missing file has none; a bad file keeps the old ones); both print their
 * error and return -1.  cs_hold_level is level, or the last rule begun at
 * step that matches channel i of d. */
int cs_hold_add(const char *spec);
int cs_hold_control(const char *path);
int cs_hold_level(const struct cs_dev *d, int i, int64_t step, int level);

/* render.c: command output, before faults */
void cs_render_version(const struct cs_dev *d, struct cs_text *t);
void cs_render_e6000(const struct cs_dev *d, int64_t step, struct cs_text *t);
void cs_render_casa_hops(const struct cs_dev *d, double sim_s, int only,
			 struct cs_text *t);
void cs_render_casa_summary(const struct cs_dev *d, struct cs_text *t);
void cs_render_cbr8_summary(const struct cs_dev *d, struct cs_text *t);
void cs_render_cbr8_controller(const struct cs_dev *d, int dom, int64_t step,
			       struct cs_text *t);
void cs_render_table(const struct cs_dev *d, double sim_s, FILE *out);

/* cli.c: one command line to a reply */
enum { CS_CMD_NONE, CS_CMD_TERM_LEN, CS_CMD_TERM_WIDTH, CS_CMD_PAGE_OFF,
       CS_CMD_ENABLE, CS_CMD_EXIT, CS_CMD_SHOW_VER, CS_CMD_E6_US,
       CS_CMD_CASA_HOPS, CS_CMD_CASA_HOPS_US, CS_CMD_CM_SUM,
       CS_CMD_CB_CTRL, CS_CMD_ERROR };
struct cs_reply {
	int cmd;		/* CS_CMD_* */
	int arg;		/* length, width, domain or channel */
	int data;		/* 1: data command (truth), 2: discovery */
	struct cs_text out;	/* lines without the prompt */
	char reason[64];	/* FAILED reason when the reply is an error */
};
void cs_cli_run(const struct cs_dev *d, const char *line, size_t prompt_len,
		int faulty_invalid, double sim_s, struct cs_reply *r);

#endif
