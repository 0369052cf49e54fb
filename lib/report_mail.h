/*
 * The report by mail: a short plain-text summary (period, totals,
 * modulation mix, top hoppers) as the body, the report files attached.
 */
#ifndef MS_REPORT_MAIL_H
#define MS_REPORT_MAIL_H

#include "ms.h"
#include "buf.h"
#include "err.h"
#include "mail.h"
#include "report.h"
#include "smtp.h"

/* Append the summary text of an ended report ("\n" line ends). */
int ms_report_mail_body(const struct ms_report *rep, struct ms_buf *out);

/* "modscan report LABEL: H hops on U upstreams" into out. */
void ms_report_mail_subject(const struct ms_report *rep, char *out,
			    size_t size);

/*
 * Send the summary with the attachments (at most MS_MAIL_MAX_ATTACH)
 * through sc.  Returns the number of recipients or the SMTP error.
 */
int ms_report_mail_send(const struct ms_report *rep,
			const struct ms_smtp_conf *sc,
			const struct ms_mail_attach *att, size_t natt,
			struct ms_err *err);

/*
 * The legacy tool's mail: subject "Modulation report LABEL", its short
 * Dutch body, csv attached (named modulation_report_LABEL.csv by the
 * caller).  Returns the number of recipients or the SMTP error.
 */
int ms_report_mail_legacy_send(const char *label,
			       const struct ms_smtp_conf *sc,
			       const struct ms_mail_attach *csv,
			       struct ms_err *err);

#endif
