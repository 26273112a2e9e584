/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/* The latency histogram and the final JSON. No EAL here: unit-tested. */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "pktgen_lib.h"

uint64_t
pg_hist_bucket_low(uint32_t i)
{
	uint32_t k;

	if (i < 2 * PG_HIST_SUB)
		return i;
	/* i = (k - B + 1) * SUB + sub, sub in [0, SUB) */
	k = i / PG_HIST_SUB + PG_HIST_SUB_BITS - 1;
	return (uint64_t)(PG_HIST_SUB + i % PG_HIST_SUB) << (k - PG_HIST_SUB_BITS);
}

uint64_t
pg_hist_bucket_high(uint32_t i)
{
	uint32_t k;

	if (i < 2 * PG_HIST_SUB)
		return i;
	k = i / PG_HIST_SUB + PG_HIST_SUB_BITS - 1;
	return pg_hist_bucket_low(i) + (1ULL << (k - PG_HIST_SUB_BITS)) - 1;
}

int
pg_hist_init(struct pg_hist *h, uint64_t max_value)
{
	memset(h, 0, sizeof(*h));
	h->nb = pg_hist_index(max_value) + 1;
	h->counts = calloc(h->nb, sizeof(*h->counts));
	if (h->counts == NULL)
		return -ENOMEM;
	h->min = UINT64_MAX;
	return 0;
}

void
pg_hist_free(struct pg_hist *h)
{
	free(h->counts);
	h->counts = NULL;
	h->nb = 0;
}

void
pg_hist_reset(struct pg_hist *h)
{
	memset(h->counts, 0, h->nb * sizeof(*h->counts));
	h->total = 0;
	h->sum = 0;
	h->max = 0;
	h->min = UINT64_MAX;
}

void
pg_hist_copy(struct pg_hist *dst, const struct pg_hist *src)
{
	uint32_t i;

	for (i = 0; i < src->nb && i < dst->nb; i++)
		dst->counts[i] = __atomic_load_n(&src->counts[i],
						 __ATOMIC_RELAXED);
	dst->total = __atomic_load_n(&src->total, __ATOMIC_RELAXED);
	dst->sum = __atomic_load_n(&src->sum, __ATOMIC_RELAXED);
	dst->min = __atomic_load_n(&src->min, __ATOMIC_RELAXED);
	dst->max = __atomic_load_n(&src->max, __ATOMIC_RELAXED);
}

void
pg_hist_sub(struct pg_hist *out, const struct pg_hist *cur,
	    const struct pg_hist *prev)
{
	uint32_t i, lo = UINT32_MAX, hi = 0;
	uint64_t total = 0;

	for (i = 0; i < out->nb && i < cur->nb; i++) {
		uint64_t p = i < prev->nb ? prev->counts[i] : 0;
		uint64_t c = cur->counts[i] > p ? cur->counts[i] - p : 0;

		out->counts[i] = c;
		total += c;
		if (c != 0) {
			if (lo == UINT32_MAX)
				lo = i;
			hi = i;
		}
	}
	out->total = total;
	out->sum = cur->sum - prev->sum;
	out->min = total ? pg_hist_bucket_low(lo) : UINT64_MAX;
	out->max = total ? pg_hist_bucket_high(hi) : 0;
}

uint64_t
pg_hist_percentile(const struct pg_hist *h, double pct)
{
	uint64_t rank, cum = 0, v;
	uint32_t i;

	if (h->total == 0)
		return 0;
	if (pct <= 0)
		return h->min;
	if (pct >= 100)
		return h->max;
	rank = (uint64_t)ceil(pct / 100.0 * (double)h->total);
	if (rank == 0)
		rank = 1;
	for (i = 0; i < h->nb; i++) {
		cum += h->counts[i];
		if (cum >= rank)
			break;
	}
	if (i == h->nb)
		return h->max;
	v = pg_hist_bucket_high(i);
	if (v > h->max)
		v = h->max;
	if (v < h->min)
		v = h->min;
	return v;
}

void
pg_result_latency(struct pg_result *r, const struct pg_hist *h)
{
	r->lat_count = h->total;
	r->lat_min = h->total ? h->min : 0;
	r->lat_p50 = pg_hist_percentile(h, 50);
	r->lat_p90 = pg_hist_percentile(h, 90);
	r->lat_p99 = pg_hist_percentile(h, 99);
	r->lat_p999 = pg_hist_percentile(h, 99.9);
	r->lat_max = h->total ? h->max : 0;
	r->lat_mean = h->total ? (double)h->sum / (double)h->total : 0;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void
json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* A number, or null when @p have is 0. */
static void
json_num(FILE *f, const char *name, int have, double v, const char *sep)
{
	if (have)
		fprintf(f, "\"%s\": %.10g%s", name, v, sep);
	else
		fprintf(f, "\"%s\": null%s", name, sep);
}

int
pg_result_json(FILE *f, const struct pg_result *r)
{
	double sent = (double)r->tx;

	fprintf(f, "{\"tool\": \"onvm-pktgen\", \"mode\": \"%s\", \"pcap\": ",
		r->mode);
	if (r->pcap != NULL)
		json_str(f, r->pcap);
	else
		fputs("null", f);
	if (!r->nf)
		fputs(", \"nf\": null", f);
	else if (r->nf_to != 0)
		fprintf(f, ", \"nf\": {\"service\": %u, \"instance\": %u, "
			"\"to\": %u}", r->nf_service, r->nf_instance, r->nf_to);
	else
		fprintf(f, ", \"nf\": {\"service\": %u, \"instance\": %u, "
			"\"to\": null}", r->nf_service, r->nf_instance);
	fprintf(f, ",\n \"tx\": %" PRIu64 ", \"rx\": %" PRIu64
		", \"tx_bytes\": %" PRIu64 ", \"rx_bytes\": %" PRIu64 ",\n",
		r->tx, r->rx, r->tx_bytes, r->rx_bytes);
	fprintf(f, " \"tx_pps\": %.1f, \"rx_pps\": %.1f, \"tx_mpps\": %.6f, "
		"\"rx_mpps\": %.6f, \"duration_s\": %.6f,\n", r->tx_pps,
		r->rx_pps, r->tx_pps / 1e6, r->rx_pps / 1e6, r->duration_s);
	fprintf(f, " \"lost\": %" PRIu64 ", \"loss_pct\": %.6f, \"reordered\": %"
		PRIu64 ", \"duplicates\": %" PRIu64 ", \"rx_other\": %" PRIu64
		", \"rx_unstamped\": %" PRIu64 ",\n", r->lost,
		sent > 0 ? 100.0 * (double)r->lost / sent : 0.0, r->reordered,
		r->duplicates, r->rx_other, r->rx_unstamped);
	fprintf(f, " \"tx_full\": %" PRIu64 ", \"alloc_fail\": %" PRIu64
		", \"latency_negative\": %" PRIu64 ", \"interrupted\": %s,\n",
		r->tx_full, r->alloc_fail, r->lat_negative,
		r->interrupted ? "true" : "false");
	fprintf(f, " \"rate_pps_asked\": %.1f, ", r->rate_pps);
	json_num(f, "rate_pct_asked", r->rate_pct > 0, r->rate_pct, ", ");
	json_num(f, "max_pps", r->max_pps > 0, r->max_pps, ", ");
	fprintf(f, "\"max_pps_measured\": %s,\n",
		r->max_measured ? "true" : "false");
	fputc(' ', f);
	json_num(f, "duration_asked_s", r->duration_asked_s > 0,
		 r->duration_asked_s, ", ");
	if (r->count_asked > 0)
		fprintf(f, "\"count_asked\": %" PRIu64 ",\n", r->count_asked);
	else
		fprintf(f, "\"count_asked\": null,\n");
	if (r->pcap != NULL)
		fprintf(f, " \"size\": \"pcap\",");
	else if (r->imix)
		fprintf(f, " \"size\": \"imix\",");
	else
		fprintf(f, " \"size\": %u,", r->size);
	fprintf(f, " \"flows\": %u, \"proto\": \"%s\", \"burst\": %u, "
		"\"lcores\": %u, \"tsc_hz\": %" PRIu64 ",\n", r->flows,
		r->pcap != NULL ? "pcap" : pg_proto_name(r->proto), r->burst,
		r->lcores, r->tsc_hz);
	if (r->lat_count == 0)
		fprintf(f, " \"latency_ns\": {\"count\": 0, \"min\": null, "
			"\"p50\": null, \"p90\": null, \"p99\": null, "
			"\"p999\": null, \"max\": null, \"mean\": null}}\n");
	else
		fprintf(f, " \"latency_ns\": {\"count\": %" PRIu64 ", \"min\": %"
			PRIu64 ", \"p50\": %" PRIu64 ", \"p90\": %" PRIu64
			", \"p99\": %" PRIu64 ", \"p999\": %" PRIu64 ", \"max\": %"
			PRIu64 ", \"mean\": %.1f}}\n", r->lat_count, r->lat_min,
			r->lat_p50, r->lat_p90, r->lat_p99, r->lat_p999,
			r->lat_max, r->lat_mean);
	return ferror(f) ? -EIO : 0;
}
