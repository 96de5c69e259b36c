/*
 * Promela model of the PV MMU page-type state machine (common/pv_mm.c,
 * docs/pv-mmu.md). Checked by tests/spin/run.sh with Debian's spin.
 *
 * The world: NF guest frames, each usable as writable RAM or as a page
 * table of level 1 or 2 (tables of NE entries), two vCPUs that pin,
 * unpin, switch base pointers, update entries through the hypercall or a
 * trapped direct write, balloon frames out, and write their RAM directly;
 * then the domain dies and is torn down.
 *
 * Every PV operation runs under d->pv_lock in C, so each is one d_step
 * here: its intermediate states are never visible to the other vCPU. The
 * guest's own stores to its RAM are separate steps that may land between
 * any two operations; a store to a frame the p2m holds read-only (a
 * validated table) traps and becomes the "emulate" transition.
 *
 * Each inline below is one transition; docs/pv-mmu.md names the C
 * function that implements it. Superpage leaves are not modelled (in C
 * a superpage is the same transition repeated over its frames).
 *
 * Sizes: NF = 3 frames, NE = 1 entry per table, counts saturate at
 * CMAX = 2 (small enough for an exhaustive search in about a minute;
 * each transition is the same code whatever the sizes).
 *
 * -DBUGGY=1: map_w forgets the type check (a table may be mapped
 *            writable).
 * -DBUGGY=2: balloon forgets the busy check and the PV MMU holds no
 *            general reference (a referenced frame may be freed; either
 *            defence alone is enough, the model shows).
 * -DBUGGY=3: update drops the old entry's references before checking
 *            the new one and keeps the old entry when the new one is
 *            refused (a later drop underflows a count).
 * Each must be caught.
 */

#define NF 3
#define NE 1
#define CMAX 2

/* page types */
#define NONE 0
#define WR 1
#define L1 2
#define L2 3

/* entry values: 0 absent, table pointer, writable leaf, read-only leaf */
#define ABSENT 0
#define ETAB(f) (1 + (f))
#define EW(f) (4 + (f))
#define ER(f) (7 + (f))
#define NVAL 10

/* results */
#define OK 0
#define ENOENT 2
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define ELOOP 40
#define EOVF 75
#define EPERM 1

byte type[NF];
byte cnt[NF];   /* type count */
byte maps[NF];  /* read-only leaf mappings */
byte gref[NF];  /* general references: allocation + one held by the PV MMU */
bool valid[NF];
bool pinned[NF];
bool ro[NF];    /* p2m_pt_pinned: read-only to the guest */
bool owned[NF]; /* in the domain's p2m (not ballooned out) */
bool freed[NF]; /* back in the allocator */
byte ent[NF * NE];
byte base[2];   /* 0 none, else 1 + frame (root level is L2) */
bool dying;
byte running = 2;
bool torn_down;

/* ---- the properties (tests/spin/run.sh checks each by name) ---- */

/* A validated L1 table holds a writable leaf to frame f. */
#define MAPW_T(t, f) (valid[t] && type[t] == L1 && ent[t] == 4 + f)
#define MAPW(f) (MAPW_T(0, f) || MAPW_T(1, f) || MAPW_T(2, f))
#define TABLE(f) (valid[f] && type[f] >= L1)
#define NO_W_TABLE(f) (!(MAPW(f) && TABLE(f)))

/* Frame f is named by a validated table or a base pointer. */
#define REF_E(e, f) ((e) != 0 && ((e) + 2) % 3 == (f))
#define REF_T(t, f) (valid[t] && cnt[t] > 0 && REF_E(ent[t], f))
#define REFD(f) (REF_T(0, f) || REF_T(1, f) || REF_T(2, f) || \
	base[0] == (f) + 1 || base[1] == (f) + 1)
#define NO_UAF(f) (!(freed[f] && (REFD(f) || cnt[f] > 0 || maps[f] > 0)))

#define RANGE(f) (cnt[f] <= CMAX && maps[f] <= CMAX && gref[f] <= 2)

ltl no_writable_table {
	[] (NO_W_TABLE(0) && NO_W_TABLE(1) && NO_W_TABLE(2))
}
ltl no_use_after_free { [] (NO_UAF(0) && NO_UAF(1) && NO_UAF(2)) }
ltl counts_in_range { [] (RANGE(0) && RANGE(1) && RANGE(2)) }

/* ---- references: pv_hold / pv_release ---- */

inline hold(f)
{
#if BUGGY == 2
	skip
#else
	if
	:: cnt[f] == 0 && maps[f] == 0 -> gref[f]++
	:: else -> skip
	fi
#endif
}

inline release(f)
{
#if BUGGY == 2
	skip
#else
	if
	:: cnt[f] == 0 && maps[f] == 0 ->
		assert(gref[f] > 0);
		gref[f]--;
		if
		:: gref[f] == 0 -> freed[f] = 1
		:: else -> skip
		fi
	:: else -> skip
	fi
#endif
}

/* ---- leaves: pgt_get_writable / pgt_put_writable / pgt_get_map /
 * pgt_put_map ---- */

inline map_w(f, rc)
{
	if
	:: !owned[f] -> rc = EPERM
#if BUGGY == 1
	:: owned[f] && cnt[f] == CMAX -> rc = EOVF
	:: owned[f] && cnt[f] < CMAX ->
#else
	:: owned[f] && cnt[f] > 0 && type[f] != WR -> rc = EBUSY
	:: owned[f] && (cnt[f] == 0 || type[f] == WR) && cnt[f] == CMAX ->
		rc = EOVF
	:: owned[f] && (cnt[f] == 0 || type[f] == WR) && cnt[f] < CMAX ->
#endif
		hold(f);
		type[f] = WR;
		cnt[f]++;
		rc = OK
	fi
}

inline unmap_w(f)
{
	assert(cnt[f] > 0 && type[f] == WR);
	cnt[f]--;
	if
	:: cnt[f] == 0 -> type[f] = NONE
	:: else -> skip
	fi;
	release(f)
}

inline map_ro(f, rc)
{
	if
	:: !owned[f] -> rc = EPERM
	:: owned[f] && maps[f] == CMAX -> rc = EOVF
	:: owned[f] && maps[f] < CMAX ->
		hold(f);
		maps[f]++;
		rc = OK
	fi
}

inline unmap_ro(f)
{
	assert(maps[f] > 0);
	maps[f]--;
	release(f)
}

/* ---- entries of an L1 table: get_entry / put_entry at level 1 ---- */

inline get_l1_entry(v, rc)
{
	if
	:: v == ABSENT -> rc = OK
	:: v >= ETAB(0) && v < EW(0) -> rc = EINVAL
	:: v >= EW(0) && v < ER(0) -> map_w(v - EW(0), rc)
	:: v >= ER(0) -> map_ro(v - ER(0), rc)
	fi
}

inline put_l1_entry(v)
{
	if
	:: v >= EW(0) && v < ER(0) -> unmap_w(v - EW(0))
	:: v >= ER(0) -> unmap_ro(v - ER(0))
	:: else -> skip
	fi
}

/* ---- L1 tables: pgt_get_table / pgt_put_table at level 1 ---- */

inline get_table_l1(g, rc)
{
	if
	:: cnt[g] > 0 && type[g] != L1 && type[g] >= L1 && !valid[g] ->
		rc = ELOOP
	:: cnt[g] > 0 && type[g] != L1 && !(type[g] >= L1 && !valid[g]) ->
		rc = EBUSY
	:: cnt[g] > 0 && type[g] == L1 && !valid[g] -> rc = ELOOP
	:: cnt[g] > 0 && type[g] == L1 && valid[g] && cnt[g] == CMAX ->
		rc = EOVF
	:: cnt[g] > 0 && type[g] == L1 && valid[g] && cnt[g] < CMAX ->
		cnt[g]++;
		rc = OK
	:: cnt[g] == 0 && !(owned[g] && !ro[g]) -> rc = EPERM
	:: cnt[g] == 0 && owned[g] && !ro[g] ->
		/* read-only first, then the entries are read */
		ro[g] = 1;
		hold(g);
		type[g] = L1;
		cnt[g] = 1;
		j1 = 0;
		rc = OK;
		do
		:: j1 < NE && rc == OK ->
			get_l1_entry(ent[g * NE + j1], rc);
			if
			:: rc == OK -> j1++
			:: else -> skip
			fi
		:: else -> break
		od;
		if
		:: rc != OK ->
			do
			:: j1 > 0 ->
				j1--;
				put_l1_entry(ent[g * NE + j1])
			:: else -> break
			od;
			cnt[g] = 0;
			type[g] = NONE;
			release(g);
			ro[g] = 0
		:: else -> valid[g] = 1
		fi
	fi
}

inline put_table_l1(g)
{
	assert(cnt[g] > 0 && type[g] == L1);
	if
	:: cnt[g] > 1 -> cnt[g]--
	:: else ->
		valid[g] = 0;
		j1 = NE;
		do
		:: j1 > 0 ->
			j1--;
			put_l1_entry(ent[g * NE + j1])
		:: else -> break
		od;
		cnt[g] = 0;
		type[g] = NONE;
		release(g);
		ro[g] = 0
	fi
}

/* ---- entries of an L2 table (leaves at L2 are not modelled) ---- */

inline get_l2_entry(v, rc)
{
	if
	:: v == ABSENT -> rc = OK
	:: v >= ETAB(0) && v < EW(0) ->
		tg = v - ETAB(0);
		get_table_l1(tg, rc)
	:: v >= EW(0) -> rc = EINVAL
	fi
}

inline put_l2_entry(v)
{
	if
	:: v >= ETAB(0) && v < EW(0) ->
		tp = v - ETAB(0);
		put_table_l1(tp)
	:: else -> skip
	fi
}

inline get_table_l2(g, rc)
{
	if
	:: cnt[g] > 0 && type[g] != L2 && type[g] >= L1 && !valid[g] ->
		rc = ELOOP
	:: cnt[g] > 0 && type[g] != L2 && !(type[g] >= L1 && !valid[g]) ->
		rc = EBUSY
	:: cnt[g] > 0 && type[g] == L2 && !valid[g] -> rc = ELOOP
	:: cnt[g] > 0 && type[g] == L2 && valid[g] && cnt[g] == CMAX ->
		rc = EOVF
	:: cnt[g] > 0 && type[g] == L2 && valid[g] && cnt[g] < CMAX ->
		cnt[g]++;
		rc = OK
	:: cnt[g] == 0 && !(owned[g] && !ro[g]) -> rc = EPERM
	:: cnt[g] == 0 && owned[g] && !ro[g] ->
		ro[g] = 1;
		hold(g);
		type[g] = L2;
		cnt[g] = 1;
		j2 = 0;
		rc = OK;
		do
		:: j2 < NE && rc == OK ->
			get_l2_entry(ent[g * NE + j2], rc);
			if
			:: rc == OK -> j2++
			:: else -> skip
			fi
		:: else -> break
		od;
		if
		:: rc != OK ->
			do
			:: j2 > 0 ->
				j2--;
				put_l2_entry(ent[g * NE + j2])
			:: else -> break
			od;
			cnt[g] = 0;
			type[g] = NONE;
			release(g);
			ro[g] = 0
		:: else -> valid[g] = 1
		fi
	fi
}

inline put_table_l2(g)
{
	assert(cnt[g] > 0 && type[g] == L2);
	if
	:: cnt[g] > 1 -> cnt[g]--
	:: else ->
		valid[g] = 0;
		j2 = NE;
		do
		:: j2 > 0 ->
			j2--;
			put_l2_entry(ent[g * NE + j2])
		:: else -> break
		od;
		cnt[g] = 0;
		type[g] = NONE;
		release(g);
		ro[g] = 0
	fi
}

/* ---- operations ---- */

/* pv_pin */
inline pin(lvl, f, rc)
{
	if
	:: !owned[f] -> rc = EPERM
	:: owned[f] && pinned[f] -> rc = EEXIST
	:: owned[f] && !pinned[f] ->
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
	:: !owned[f] -> rc = EPERM
	:: owned[f] && !pinned[f] -> rc = ENOENT
	:: owned[f] && pinned[f] && cnt[f] > 1 -> rc = EBUSY
	:: owned[f] && pinned[f] && cnt[f] <= 1 ->
		pinned[f] = 0;
		if
		:: type[f] == L1 -> put_table_l1(f)
		:: else -> put_table_l2(f)
		fi;
		rc = OK
	fi
}

/* pv_new_baseptr */
inline new_baseptr(vc, f, rc)
{
	if
	:: !owned[f] -> rc = EPERM
	:: owned[f] && !pinned[f] -> rc = ENOENT
	:: owned[f] && pinned[f] && type[f] != L2 -> rc = EINVAL
	:: owned[f] && pinned[f] && type[f] == L2 ->
		get_table_l2(f, rc);
		if
		:: rc == OK && base[vc] != 0 ->
			tb = base[vc] - 1;
			put_table_l2(tb)
		:: else -> skip
		fi;
		if
		:: rc == OK -> base[vc] = f + 1
		:: else -> skip
		fi
	fi
}

/* pv_update (mmu_update entry; pv_mm_emulate_write is the same) */
inline update(f, i, val, rc)
{
	if
	:: !owned[f] -> rc = EFAULT
	:: owned[f] && !(ro[f] && cnt[f] > 0 && valid[f]) -> rc = ENOENT
	:: owned[f] && ro[f] && cnt[f] > 0 && valid[f] ->
		old = ent[f * NE + i];
		if
		:: old == val -> rc = OK
#if BUGGY == 3
		:: old != val && type[f] == L1 ->
			put_l1_entry(old);
			get_l1_entry(val, rc);
			if
			:: rc == OK -> ent[f * NE + i] = val
			:: else -> skip
			fi
#else
		:: old != val && type[f] == L1 ->
			get_l1_entry(val, rc);
			if
			:: rc == OK ->
				ent[f * NE + i] = val;
				put_l1_entry(old)
			:: else -> skip
			fi
#endif
		:: old != val && type[f] == L2 ->
			get_l2_entry(val, rc);
			if
			:: rc == OK ->
				ent[f * NE + i] = val;
				put_l2_entry(old)
			:: else -> skip
			fi
		fi
	fi
}

/* decrease_one() in common/memory.c with pv_mm_page_busy() */
inline balloon(f, rc)
{
	if
	:: !owned[f] || ro[f] -> rc = ENOENT
#if BUGGY == 2
	:: else ->
#else
	:: owned[f] && !ro[f] && (cnt[f] > 0 || maps[f] > 0) -> rc = EBUSY
	:: owned[f] && !ro[f] && cnt[f] == 0 && maps[f] == 0 ->
#endif
		owned[f] = 0;
		gref[f]--;
		if
		:: gref[f] == 0 -> freed[f] = 1
		:: else -> skip
		fi;
		rc = OK
	fi
}

/* pv_mm_domain_teardown, then domain_release_memory */
inline teardown()
{
	vc = 0;
	do
	:: vc < 2 ->
		if
		:: base[vc] != 0 ->
			tb = base[vc] - 1;
			put_table_l2(tb);
			base[vc] = 0
		:: else -> skip
		fi;
		vc++
	:: else -> break
	od;
	f = 0;
	do
	:: f < NF ->
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
	/* every count is back to zero */
	f = 0;
	do
	:: f < NF ->
		assert(cnt[f] == 0 && maps[f] == 0 && type[f] == NONE &&
		       !valid[f] && !ro[f] && !pinned[f]);
		if
		:: owned[f] ->
			owned[f] = 0;
			assert(gref[f] == 1);
			gref[f] = 0;
			freed[f] = 1
		:: else -> assert(gref[f] == 0 && freed[f])
		fi;
		f++
	:: else -> break
	od
}

proctype vcpu(byte me)
{
	byte f, i, val, lvl, rc, old, j1, j2, tg, tp, tb;

	do
	:: dying -> break
	:: !dying ->
		/*
		 * Pick an operation and its arguments and run it in one
		 * indivisible step (the pv_lock): the other vCPU sees the
		 * state before or after, never the choice half made.
		 */
		atomic {
			if
			:: f = 0
			:: f = 1
			:: f = 2
			fi;
			if
			:: i = 0
			fi;
			if
			:: val = ABSENT
			:: val = ETAB(0)
			:: val = ETAB(1)
			:: val = ETAB(2)
			:: val = EW(0)
			:: val = EW(1)
			:: val = EW(2)
			:: val = ER(0)
			:: val = ER(1)
			:: val = ER(2)
			fi;
			if
			:: lvl = 1
			:: lvl = 2
			fi;
		if
		:: d_step { pin(lvl, f, rc) }
		:: d_step { unpin(f, rc) }
		:: d_step { new_baseptr(me, f, rc) }
		:: d_step { update(f, i, val, rc) }
		:: d_step { balloon(f, rc) }
		/* A guest store: RAM takes it, a table traps (emulation). */
		:: d_step {
				if
				:: owned[f] && !ro[f] -> ent[f * NE + i] = val
				:: else -> update(f, i, val, rc)
				fi
			}
		fi;
		/* Forget the arguments: they are not part of the state. */
		d_step {
			f = 0; i = 0; val = 0; lvl = 0; rc = 0; old = 0;
			j1 = 0; j2 = 0; tg = 0; tp = 0; tb = 0
		}
		}
	od;
	running--
}

init
{
	byte f, vc, j1, j2, tg, tp, tb;

	d_step {
		f = 0;
		do
		:: f < NF ->
			owned[f] = 1;
			gref[f] = 1;
			f++
		:: else -> break
		od;
		f = 0
	}
	run vcpu(0);
	run vcpu(1);
	/* The domain dies at some point; its vCPUs stop; teardown runs. */
	dying = 1;
	running == 0;
	d_step { teardown() }
	torn_down = 1
}
