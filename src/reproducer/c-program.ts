/**
 * "Export C program": one self-contained C file that runs a scenario's system
 * calls for real and checks, after every step, that the kernel did what the
 * chosen profile predicts. It prints TAP (a plan line, then `ok N - …` or
 * `not ok N - …` per step, `# SKIP reason` for a step it cannot make for
 * real) and exits 1 on any difference, 2 when it cannot set up at all.
 *
 * Builds with `gcc -Wall -Wextra -Werror` on glibc or musl; needs nothing but
 * libc. The calls it makes are those of tools/kernel-recorder (see
 * ./c-runtime.ts); what each step does is decided in ./step-plan.ts.
 */
import type { Trace } from '../engine/api'
import type { Scenario } from '../scenario/types'
import { C_PRELUDE, runtimeFor } from './c-runtime'
import { bufferDefines, headerComment, planReproducer, setupStatements, wantTables, type PlannedStep } from './step-plan'

/** The TAP reporting the program adds to the shared runtime. */
const TAP_RUNTIME = String.raw`/* ---------- TAP ---------- */

static int vs_failures;
static int vs_diverged; /* a step that changes the address space was skipped */

static void vs_tap(const char *status, int n, const char *what, const char *directive)
{
	snprintf(vs_line, sizeof vs_line, "%s %d - %s%s%s\n", status, n, what, directive ? " # SKIP " : "", directive ? directive : "");
	vs_write(vs_line);
}

/* Whether step n runs: not after a skipped step that changed the address space, not with a problem. */
static int vs_begin(int n, const char *what, const char *problem, int changes)
{
	static char reason[160];
	if (vs_diverged) {
		snprintf(reason, sizeof reason, "step %d was not run, so the address space is no longer the one the profile predicts", vs_diverged);
		vs_tap("ok", n, what, reason);
		return 0;
	}
	if (problem) {
		vs_tap("ok", n, what, problem);
		if (changes)
			vs_diverged = n;
		return 0;
	}
	return 1;
}

/* Compare the call's errno and the window's VMAs with the prediction; one TAP line, diagnostics as comments. */
__attribute__((unused)) /* when every step is skipped */
static void vs_end(int n, const char *what, int got_errno, int want_errno, const struct vs_vma *want, int want_count)
{
	static char expected[2048], got[2048];
	if (vs_read_layout() < 0) {
		vs_tap("not ok", n, what, NULL);
		snprintf(vs_line, sizeof vs_line, "#   cannot read /proc/self/smaps: %s\n", vs_errno_name(errno));
		vs_write(vs_line);
		vs_failures++;
		return;
	}
	int layout_ok = vs_layout_is(want, want_count);
	if (got_errno == want_errno && layout_ok) {
		vs_tap("ok", n, what, NULL);
		return;
	}
	vs_failures++;
	vs_tap("not ok", n, what, NULL);
	if (got_errno != want_errno) {
		snprintf(vs_line, sizeof vs_line, "#   errno: expected %s, got %s\n", vs_errno_name(want_errno), vs_errno_name(got_errno));
		vs_write(vs_line);
	}
	if (!layout_ok) {
		vs_describe(expected, sizeof expected, want, want_count);
		vs_describe(got, sizeof got, vs_layout, vs_layout_count);
		vs_write("#   expected: ");
		vs_write(expected);
		vs_write("\n#   got:      ");
		vs_write(got);
		vs_write("\n");
	}
}
`

function problemExpr(step: PlannedStep): string {
  if (step.runtime.length === 0) return 'NULL'
  // The first condition that gives a reason wins.
  return step.runtime.map((c) => c.problem).reduceRight((rest, c) => (rest === 'NULL' ? c : `vs_either(${c}, ${rest})`), 'NULL')
}

function stepCode(step: PlannedStep, want: string): string[] {
  const what = `"${step.title}"`
  const lines = [`\t/* ${step.index}. ${step.title} */`]
  if (step.skip !== null) {
    lines.push(`\tvs_begin(${step.index}, ${what}, "${step.skip}", ${step.changes ? 1 : 0});`)
    return lines
  }
  lines.push('\t{')
  for (const p of step.prepare) lines.push(`\t\t${p}`)
  lines.push(`\t\tif (vs_begin(${step.index}, ${what}, ${problemExpr(step)}, ${step.changes ? 1 : 0}))`)
  lines.push(`\t\t\tvs_end(${step.index}, ${what}, ${step.call}, ${step.wantErrno}, ${want}, ${step.want.length});`)
  lines.push('\t}')
  return lines
}

/** The C program for `scenario` as `trace`'s profile predicts it. */
export function cProgram(scenario: Scenario, trace: Trace): string {
  const plan = planReproducer(scenario, trace)
  const tables = wantTables(plan)
  const main: string[] = [
    'int main(void)',
    '{',
    '\tconst char *problem;',
    '',
    `\tvs_write("TAP version 13\\n1..${plan.steps.length}\\n");`,
    ...setupStatements(plan).map((s) => `\t${s}`),
    `\tproblem = vs_setup_window(${plan.windowPages});`,
    '\tif (problem) {',
    '\t\tsnprintf(vs_line, sizeof vs_line, "Bail out! %s: %s\\n", problem, vs_errno_name(errno));',
    '\t\tvs_write(vs_line);',
    '\t\tvs_cleanup();',
    '\t\treturn 2;',
    '\t}',
  ]
  if (plan.brkBase !== null) main.push(`\tvs_brk_problem = vs_setup_brk(${plan.brkBase});`)
  if (plan.mergeAnyAtStart) {
    main.push(
      '\tif (prctl(PR_SET_MEMORY_MERGE, 1UL, 0UL, 0UL, 0UL) < 0) { /* the scenario starts with MMF_VM_MERGE_ANY */',
      '\t\tsnprintf(vs_line, sizeof vs_line, "Bail out! prctl(PR_SET_MEMORY_MERGE, 1): %s\\n", vs_errno_name(errno));',
      '\t\tvs_write(vs_line);',
      '\t\tvs_cleanup();',
      '\t\treturn 2;',
      '\t}',
    )
  }
  main.push('')
  plan.steps.forEach((s, k) => main.push(...stepCode(s, tables.names[k]!)))
  main.push(
    '',
    '\tvs_cleanup();',
    '\tif (vs_failures) {',
    '\t\tsnprintf(vs_line, sizeof vs_line, "# %d of %d steps differ from the profile\'s prediction\\n", vs_failures, ' + plan.steps.length + ');',
    '\t\tvs_write(vs_line);',
    '\t}',
    '\treturn vs_failures ? 1 : 0;',
    '}',
  )
  const build = [
    'Build:  gcc -Wall -Wextra -Werror -O2 -o reproducer reproducer.c',
    'Run:    ./reproducer      (prints TAP; exit 0 = every step as predicted,',
    '                           1 = a difference, 2 = could not set up)',
    'Root is needed only to mount overlayfs and to move the program break.',
    'ext4 files go to $VMASCOPE_EXT4_DIR, /tmp, /var/tmp or ., the first on ext4.',
  ]
  return [
    headerComment(plan, 'reproducer', build),
    '#define _GNU_SOURCE',
    C_PRELUDE,
    bufferDefines(plan),
    runtimeFor(plan.needs),
    TAP_RUNTIME,
    '/* ---------- what the profile predicts after each step ---------- */',
    '',
    tables.text,
    '',
    ...main,
    '',
  ].join('\n')
}
