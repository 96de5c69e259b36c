/*
 * Promela model of the PV MMU's validations in pieces (common/pv_mm.c,
 * docs/pv-mmu.md rule 9): partial validation (PGT_PARTIAL, a validation
 * stopped between two entries by the entry's work budget and resumed by
 * the continued call or by whichever operation meets the table next) and
 * the devalidation queue (PGT_DYING: a table's last reference, an
 * abandoned partial table or a validation that failed queues the table,
 * and the queue drops the references of its entries [0, nr) a budget at
 * a time, before every operation). Checked by tests/spin/run.sh. The
 * page-type rules themselves (leaves, base pointers, balloon) are the
 * other model's, pv_mm.pml, which validates a table in one step.
 *
 * The world: frames 0 and 1 can be page tables of level 1 or 2 with
 * NE = 2 entries each, frame 2 is data; two vCPUs pin, unpin, update
 * entries (the hypercall, or a store to a read-only table that traps),
 * store into their RAM, and go down; then the domain dies and is torn
 * down. Entries: absent, a table pointer to frame 0 or 1, a writable
 * leaf to frame 0, 1 or 2. Type counts saturate at CMAX.
 *
 * Each operation runs under d->pv_lock in C: one d_step here. Its work
 * budget is chosen with it (1 to 4 checkpoints, or unlimited; -DSHORT: 1,
 * 2 or unlimited): the operation stops at the first checkpoint past it,
 * as pv_entry_spent() and pv_budget() stop it in C. A checkpoint is one
 * entry dropped by the queue, one entry checked, or one table taken
 * afresh; the first one of an entry is always passed (a fresh budget
 * always does some work in C). Later stopping points are reached by
 * stopping earlier and continuing.
 *
 * -DSHORT ('make test'): frame 0 is pinned as an L2 only and frame 1 as
 * an L1 only; frame 0's entries are absent, a pointer to frame 1 or to
 * itself (a cycle), frame 1's absent, a writable leaf to frame 2 or to
 * frame 0 (a table: refused). About 670,000 states. Without it
 * ('make test-spin-long'): any level, any value, larger budgets.
 *
 * A continued call is the same call again (the hypervisor rewrote its
 * arguments): here the vCPU simply issues an operation; it resumes the
 * partial tables it meets. As in C, a vCPU's partial tables are
 * abandoned (queued) when one of its operations ends other than with
 * -ERESTART, when it goes down, and at teardown.
 *
 * Properties, each an assertion (tests/spin/run.sh: no assertion fails,
 * no invalid end state, exhaustively):
 *  - counts exact, so no reference is leaked or dropped twice: after
 *    every operation, each frame's type count is what the references
 *    held on it add up to (entries of validated tables, entries [0, nr)
 *    of partial and dying tables, pins, the record of a partial or dying
 *    table); at teardown every count returns to zero;
 *  - no table is writable: a typed table (validated, partial or dying)
 *    is read-only to the guest, and each is in exactly one of the three
 *    states between operations;
 *  - termination: an operation that began with a whole budget makes
 *    progress before it stops (else it could be continued for ever: the
 *    -E2BIG of pv_op_end(), "cannot happen"), a resumed table goes on
 *    where it stopped (its entries are taken once: counts exact), and
 *    teardown finishes from every state with nothing left.
 *
 * -DBUGGY=1: an abandoned partial table is dropped at once, without
 *            dropping the references of its entries [0, nr).
 * -DBUGGY=2: an abandoned partial table is writable again while it waits
 *            in the queue.
 * -DBUGGY=3: an operation runs without draining the queue first.
 * -DBUGGY=4: a partial table is resumed from its first entry, not from
 *            where it stopped.
 * Each must be caught.
 */

#define NF 3 /* frames: 0, 1 tables or data; 2 data */
#define NT 2 /* frames that can be tables */
#define NE 2 /* entries per table */
#define CMAX 2
#define NOLIMIT 255

/* page types */
#define NONE 0
#define WR 1
#define L1 2
#define L2 3

/* entry values */
#define ABSENT 0
#define ETAB(f) (1 + (f)) /* f < NT */
#define EW(f) (3 + (f))   /* f < NF */

/* results */
#define OK 0
#define EPERM 1
#define ENOENT 2
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define ELOOP 40
#define EOVF 75
#define ERESTART 85

byte type[NF];
byte cnt[NF];    /* type count */
bool valid[NT];  /* PGT_VALIDATED */
bool partial[NT]; /* PGT_PARTIAL: on the partial list */
bool dying[NT];  /* PGT_DYING: on the devalidation queue */
byte nr[NT];     /* partial or dying: entries [0, nr) hold references */
byte powner[NT]; /* partial: the vCPU whose operation stopped it */
bool pinned[NT];
bool ro[NT];     /* p2m_pt_pinned: read-only to the guest */
byte ent[NT * NE];
byte q[NT];      /* the devalidation queue, first in first out */
byte qn;
bool dead;       /* the domain is dying: vCPUs stop */
byte running = 2;

/* ---- checkpoints of the work budget ---- */

/* In the queue's drain: stop, or spend one unit. */
inline drain_checkpoint()
{
	if
	:: left == 0 -> stop = 1
	:: else -> left--; spent = 1
	fi
}

/* In an operation: the same, and the operation made progress. */
inline op_checkpoint()
{
	if
	:: left == 0 -> stop = 1
	:: else -> left--; spent = 1; progress = 1
	fi
}

/* ---- the devalidation queue: pv_defer / pv_drain / pv_dead ---- */

inline enqueue(t)
{
	assert(qn < NT && !dying[t]);
	dying[t] = 1;
	q[qn] = t;
	qn++
}

/* pgt_put_writable */
inline unmap_w(x)
{
	assert(cnt[x] > 0 && type[x] == WR);
	cnt[x]--;
	if
	:: cnt[x] == 0 -> type[x] = NONE
	:: else -> skip
	fi
}

/* pgt_put_table at level 1 (the last reference queues the table) */
inline put_table_l1(x)
{
	assert(cnt[x] > 0 && type[x] == L1 && valid[x]);
	if
	:: cnt[x] > 1 -> cnt[x]--
	:: else ->
		valid[x] = 0;
		nr[x] = NE;
		enqueue(x)
	fi
}

/*
 * pv_drain: drop the entries of the tables in the queue, last first, a
 * checkpoint each; a table with none left is writable RAM again. Tables
 * whose last reference goes meanwhile join the end of the queue.
 */
inline drain()
{
	do
	:: qn > 0 && !stop ->
		h = q[0];
		do
		:: nr[h] > 0 && !stop ->
			drain_checkpoint();
			if
			:: !stop ->
				nr[h]--;
				x = ent[h * NE + nr[h]];
				if
				:: type[h] == L1 && x >= EW(0) -> unmap_w(x - EW(0))
				:: type[h] == L2 && x >= ETAB(0) && x < EW(0) ->
					put_table_l1(x - ETAB(0))
				:: else -> skip /* never took a reference */
				fi
			:: else -> skip
			fi
		:: else -> break
		od;
		if
		:: !stop ->
			/* pv_dead */
			dying[h] = 0;
			type[h] = NONE;
			cnt[h] = 0;
			ro[h] = 0;
			q[0] = q[1];
			q[1] = 0;
			qn--
		:: else -> skip
		fi
	:: else -> break
	od
}

/*
 * pv_release_partial: the partial tables of vCPU @who (2: every one) are
 * abandoned: each goes to the queue with the references its entries
 * [0, nr) took.
 */
inline release_partial(who)
{
	x = 0;
	do
	:: x < NT ->
		if
		:: partial[x] && (who == 2 || powner[x] == who) ->
			partial[x] = 0;
			powner[x] = 0;
#if BUGGY == 1
			/* dropped with its entries' references still held */
			type[x] = NONE;
			cnt[x] = 0;
			ro[x] = 0;
			nr[x] = 0
#elif BUGGY == 2
			ro[x] = 0;
			enqueue(x)
#else
			enqueue(x)
#endif
		:: else -> skip
		fi;
		x++
	:: else -> break
	od
}

/* ---- taking references: get_entry, pgt_get_table, pgt_validate ---- */

/* pgt_get_writable */
inline map_w(y, rc)
{
	if
	:: cnt[y] > 0 && type[y] != WR -> rc = EBUSY
	:: (cnt[y] == 0 || type[y] == WR) && cnt[y] == CMAX -> rc = EOVF
	:: (cnt[y] == 0 || type[y] == WR) && cnt[y] < CMAX ->
		type[y] = WR;
		cnt[y]++;
		rc = OK
	fi
}

inline get_l1_entry(v, rc)
{
	if
	:: v == ABSENT -> rc = OK
	:: v >= ETAB(0) && v < EW(0) -> rc = EINVAL /* no tables below L1 */
	:: v >= EW(0) -> map_w(v - EW(0), rc)
	fi
}

/*
 * pgt_validate at level 1: check the entries of the table @g from nr[g]
 * on. Budget spent: PGT_PARTIAL, owned by this vCPU. A bad entry: the
 * table dies with the entries that took references. All passed:
 * validated, and the reference held for the caller is the caller's.
 */
inline validate_l1(g, rc)
{
#if BUGGY == 4
	nr[g] = 0;
#endif
	j1 = nr[g];
	rc = OK;
	do
	:: j1 < NE && rc == OK ->
		op_checkpoint();
		if
		:: stop -> rc = ERESTART
		:: else ->
			get_l1_entry(ent[g * NE + j1], rc);
			if
			:: rc == OK -> j1++
			:: else -> skip
			fi
		fi
	:: else -> break
	od;
	nr[g] = j1;
	if
	:: rc == ERESTART ->
		partial[g] = 1;
		powner[g] = me
	:: rc != ERESTART && rc != OK -> enqueue(g)
	:: rc == OK ->
		nr[g] = 0;
		valid[g] = 1
	fi
}

/*
 * pgt_get_table at level 1. A typed table that is neither validated nor
 * partial nor dying is on the current validation path: a cycle.
 */
inline get_table_l1(g, rc)
{
	if
	:: dying[g] -> rc = ERESTART /* pv_drain() first */
	:: !dying[g] && cnt[g] > 0 && type[g] != L1 ->
		if
		:: type[g] >= L1 && !valid[g] && !partial[g] -> rc = ELOOP
		:: else -> rc = EBUSY
		fi
	:: !dying[g] && cnt[g] > 0 && type[g] == L1 && partial[g] ->
		/* resumed where it stopped, on the validation path again */
		partial[g] = 0;
		powner[g] = 0;
		validate_l1(g, rc)
	:: !dying[g] && cnt[g] > 0 && type[g] == L1 && !partial[g] &&
	   !valid[g] -> rc = ELOOP
	:: !dying[g] && cnt[g] > 0 && type[g] == L1 && valid[g] &&
	   cnt[g] == CMAX -> rc = EOVF
	:: !dying[g] && cnt[g] > 0 && type[g] == L1 && valid[g] &&
	   cnt[g] < CMAX -> cnt[g]++; rc = OK
	:: !dying[g] && cnt[g] == 0 ->
		op_checkpoint();
		if
		:: stop -> rc = ERESTART
		:: else ->
			/* read-only before any entry is read */
			ro[g] = 1;
			type[g] = L1;
			cnt[g] = 1;
			nr[g] = 0;
			validate_l1(g, rc)
		fi
	fi
}

inline get_l2_entry(v, rc)
{
	if
	:: v == ABSENT -> rc = OK
	:: v >= ETAB(0) && v < EW(0) ->
		tg = v - ETAB(0);
		get_table_l1(tg, rc)
	:: v >= EW(0) -> rc = EINVAL /* no leaves at L2 here */
	fi
}

inline validate_l2(g, rc)
{
#if BUGGY == 4
	nr[g] = 0;
#endif
	j2 = nr[g];
	rc = OK;
	do
	:: j2 < NE && rc == OK ->
		op_checkpoint();
		if
		:: stop -> rc = ERESTART
		:: else ->
			get_l2_entry(ent[g * NE + j2], rc);
			if
			:: rc == OK -> j2++
			:: else -> skip
			fi
		fi
	:: else -> break
	od;
	nr[g] = j2;
	if
	:: rc == ERESTART ->
		partial[g] = 1;
		powner[g] = me
	:: rc != ERESTART && rc != OK -> enqueue(g)
	:: rc == OK ->
		nr[g] = 0;
		valid[g] = 1
	fi
}

inline get_table_l2(g, rc)
{
	if
	:: dying[g] -> rc = ERESTART
	:: !dying[g] && cnt[g] > 0 && type[g] != L2 ->
		if
		:: type[g] >= L1 && !valid[g] && !partial[g] -> rc = ELOOP
		:: else -> rc = EBUSY
		fi
	:: !dying[g] && cnt[g] > 0 && type[g] == L2 && partial[g] ->
		partial[g] = 0;
		powner[g] = 0;
		validate_l2(g, rc)
	:: !dying[g] && cnt[g] > 0 && type[g] == L2 && !partial[g] &&
	   !valid[g] -> rc = ELOOP
	:: !dying[g] && cnt[g] > 0 && type[g] == L2 && valid[g] &&
	   cnt[g] == CMAX -> rc = EOVF
	:: !dying[g] && cnt[g] > 0 && type[g] == L2 && valid[g] &&
	   cnt[g] < CMAX -> cnt[g]++; rc = OK
	:: !dying[g] && cnt[g] == 0 ->
		op_checkpoint();
		if
		:: stop -> rc = ERESTART
		:: else ->
			ro[g] = 1;
			type[g] = L2;
			cnt[g] = 1;
			nr[g] = 0;
			validate_l2(g, rc)
		fi
	fi
}

/* pgt_put_table at level 2 (unpin) */
inline put_table_l2(x)
{
	assert(cnt[x] > 0 && type[x] == L2 && valid[x]);
	if
	:: cnt[x] > 1 -> cnt[x]--
	:: else ->
		valid[x] = 0;
		nr[x] = NE;
		enqueue(x)
	fi
}

/* ---- operations ---- */

/* pv_pin: the reference stays the pin's once validated */
inline pin(lvl, f, rc)
{
	if
	:: pinned[f] -> rc = EEXIST
	:: !pinned[f] ->
		if
		:: lvl == 1 -> get_table_l1(f, rc)
		:: else -> get_table_l2(f, rc)
		fi;
		if
		:: rc == OK -> pinned[f] = 1
		:: else -> skip
		fi
	fi
}

/* pv_unpin */
inline unpin(f, rc)
{
	if
	:: !pinned[f] -> rc = ENOENT
	:: pinned[f] && cnt[f] > 1 -> rc = EBUSY
	:: pinned[f] && cnt[f] <= 1 ->
		pinned[f] = 0;
		if
		:: type[f] == L1 -> put_table_l1(f)
		:: else -> put_table_l2(f)
		fi;
		rc = OK
	fi
}

/*
 * pv_update: the new entry's reference first, then the old one's goes
 * (and may queue the table it pointed to). Only a validated table.
 */
inline update(f, i, v, rc)
{
	if
	:: !(cnt[f] > 0 && type[f] >= L1 && valid[f]) -> rc = ENOENT
	:: cnt[f] > 0 && type[f] >= L1 && valid[f] ->
		old = ent[f * NE + i];
		if
		:: old == v -> rc = OK
		:: old != v && type[f] == L1 ->
			op_checkpoint();
			if
			:: stop -> rc = ERESTART
			:: else ->
				get_l1_entry(v, rc);
				if
				:: rc == OK ->
					ent[f * NE + i] = v;
					if
					:: old >= EW(0) -> unmap_w(old - EW(0))
					:: else -> skip
					fi
				:: else -> skip
				fi
			fi
		:: old != v && type[f] == L2 ->
			op_checkpoint();
			if
			:: stop -> rc = ERESTART
			:: else ->
				get_l2_entry(v, rc);
				if
				:: rc == OK ->
					ent[f * NE + i] = v;
					if
					:: old >= ETAB(0) && old < EW(0) ->
						put_table_l1(old - ETAB(0))
					:: else -> skip
					fi
				:: else -> skip
				fi
			fi
		fi
	fi
}

/* ---- the properties, after every operation ---- */

/* Counted references on frame y: from L1 leaves (w) and L2 pointers (t). */
inline count_refs(y)
{
	w = 0;
	t = 0;
	x = 0;
	do
	:: x < NT * NE ->
		/* entry x of table x / NE is counted? */
		if
		:: cnt[x / NE] > 0 && type[x / NE] >= L1 &&
		   (valid[x / NE] || x % NE < nr[x / NE]) ->
			if
			:: type[x / NE] == L1 && ent[x] == EW(y) -> w++
			:: type[x / NE] == L2 && y < NT && ent[x] == ETAB(y) -> t++
			:: else -> skip
			fi
		:: else -> skip
		fi;
		x++
	:: else -> break
	od
}

inline check_frame(y)
{
	count_refs(y);
	if
	:: type[y] == NONE ->
		assert(cnt[y] == 0 && w == 0 && t == 0)
	:: type[y] == WR -> assert(cnt[y] == w && t == 0 && cnt[y] > 0)
	:: type[y] >= L1 ->
		assert(y < NT && w == 0);
		/* exactly one state at rest, and read-only in every one */
		assert(valid[y] + partial[y] + dying[y] == 1);
		assert(ro[y]);
		assert(cnt[y] == t + pinned[y] + partial[y] + dying[y]);
		assert(!pinned[y] || valid[y])
	fi;
	if
	:: y < NT && type[y] < L1 ->
		assert(!valid[y] && !partial[y] && !dying[y] && !pinned[y] &&
		       !ro[y] && nr[y] == 0)
	:: else -> skip
	fi
}

inline check_all()
{
	check_frame(0);
	check_frame(1);
	check_frame(2)
}

/* pv_mm_domain_teardown, then the memory goes */
inline teardown()
{
	release_partial(2);
	f = 0;
	do
	:: f < NT ->
		if
		:: pinned[f] ->
			pinned[f] = 0;
			if
			:: type[f] == L1 -> put_table_l1(f)
			:: else -> put_table_l2(f)
			fi
		:: else -> skip
		fi;
		f++
	:: else -> break
	od;
	left = NOLIMIT;
	drain();
	assert(!stop && qn == 0);
	f = 0;
	do
	:: f < NF ->
		assert(cnt[f] == 0 && type[f] == NONE);
		if
		:: f < NT ->
			assert(!valid[f] && !partial[f] && !dying[f] &&
			       !pinned[f] && !ro[f] && nr[f] == 0)
		:: else -> skip
		fi;
		f++
	:: else -> break
	od
}

/*
 * One operation of vCPU @me with the arguments and budget in op, f, i, v,
 * lvl, left: a hypercall, a store into guest memory (plain RAM takes it,
 * a read-only table traps and it becomes an update), then the checks.
 */
inline one_op()
{
	stop = 0;
	spent = 0;
	progress = 0;
	if
	:: op == 4 && !ro[f] -> ent[f * NE + i] = v
	:: else ->
#if BUGGY != 3
		drain();
#endif
		if
		:: stop -> rc = ERESTART
		:: else ->
			fresh = !spent;
			if
			:: op == 1 -> pin(lvl, f, rc)
			:: op == 2 -> unpin(f, rc)
			:: else -> update(f, i, v, rc)
			fi;
			/* a whole budget always gets somewhere */
			assert(!(rc == ERESTART && fresh && !progress));
			if
			:: rc != ERESTART -> release_partial(me)
			:: else -> skip
			fi
		fi
	fi;
	check_all();
	/* Forget the arguments: they are not part of the state. */
	op = 0; f = 0; i = 0; v = 0; lvl = 0; left = 0; rc = 0; old = 0;
	h = 0; x = 0; j1 = 0; j2 = 0; tg = 0; w = 0; t = 0; stop = 0;
	spent = 0; progress = 0; fresh = 0
}

proctype vcpu(byte me)
{
	byte op, f, i, v, lvl, left, rc, old, h, x, j1, j2, tg, w, t;
	bool stop, spent, progress, fresh;

	do
	:: dead -> break
	:: !dead ->
		/*
		 * Pick an operation, its arguments and its budget, and run it
		 * in one indivisible step (the pv_lock): the other vCPU sees
		 * the state before or after, never the choice half made.
		 */
		atomic {
			if
			:: op = 1 /* pin */
			:: op = 2 /* unpin */
			:: op = 3 /* update (hypercall) */
			:: op = 4 /* store into guest memory */
			:: op = 5 /* go down */
			fi;
			if
			:: f = 0
			:: f = 1
			fi;
			if
			:: op == 1 ->
#ifdef SHORT
				lvl = 2 - f /* frame 0 an L2, frame 1 an L1 */
#else
				if
				:: lvl = 1
				:: lvl = 2
				fi
#endif
			:: op == 3 || op == 4 ->
				if
				:: i = 0
				:: i = 1
				fi;
				if
				:: v = ABSENT
#ifdef SHORT
				:: v = (f == 0 -> ETAB(1) : EW(2))
				:: v = (f == 0 -> ETAB(0) : EW(0))
#else
				:: v = ETAB(0)
				:: v = ETAB(1)
				:: v = EW(0)
				:: v = EW(1)
				:: v = EW(2)
#endif
				fi
			:: else -> skip
			fi;
			if
			:: op == 5 ->
				d_step { release_partial(me); check_all() };
				break
			:: op == 4 && !ro[f] -> d_step { one_op() }
			:: else ->
				/* its work budget, in checkpoints */
				if
				:: left = 1
				:: left = 2
#ifndef SHORT
				:: left = 3
				:: left = 4
#endif
				:: left = NOLIMIT
				fi;
				d_step { one_op() }
			fi
		}
	od;
	running--
}

init
{
	byte f, left, rc, h, x, j1, j2, tg, w, t, me;
	bool stop, spent, progress;

	run vcpu(0);
	run vcpu(1);
	/* The domain dies at some point; its vCPUs stop; teardown runs. */
	dead = 1;
	running == 0;
	d_step { teardown() }
}
