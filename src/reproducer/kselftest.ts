/**
 * "Export kselftest": the reproducer's checks as a TEST_F in the style of
 * tools/testing/selftests/mm/merge.c, ready to paste into that file after
 * FIXTURE_TEARDOWN(merge). It uses only kselftest_harness.h (TEST_F, ASSERT_*,
 * SKIP, TH_LOG) and the `vs_` helpers it carries (./c-runtime.ts); the fixture's
 * carveout is too small for most windows, so the test reserves its own.
 *
 * Each step is `ASSERT_EQ(<the real call>, <predicted errno>)` and then
 * `ASSERT_TRUE(vs_matches(...))` against the predicted VMAs (range, prot,
 * share, mg), so the first difference stops the test with both layouts printed.
 * A step that cannot be made for real ends the test with SKIP and the reason.
 */
import type { Trace } from '../engine/api'
import type { Scenario } from '../scenario/types'
import { C_PRELUDE, runtimeFor } from './c-runtime'
import { bufferDefines, headerComment, planReproducer, setupStatements, wantTables, type PlannedStep, type ReproducerPlan } from './step-plan'

const MATCHES = String.raw`/* ---------- the check after each step ---------- */

/* Whether the window's VMAs are want; if not, both layouts as TAP comments. */
static int __attribute__((unused)) vs_matches(int step, const struct vs_vma *want, int want_count)
{
	static char expected[2048], got[2048];
	if (vs_read_layout() < 0) {
		snprintf(vs_line, sizeof vs_line, "# step %d: cannot read /proc/self/smaps: %s\n", step, vs_errno_name(errno));
		vs_write(vs_line);
		return 0;
	}
	if (vs_layout_is(want, want_count))
		return 1;
	vs_describe(expected, sizeof expected, want, want_count);
	vs_describe(got, sizeof got, vs_layout, vs_layout_count);
	snprintf(vs_line, sizeof vs_line, "# step %d differs from the profile's prediction\n#   expected: ", step);
	vs_write(vs_line);
	vs_write(expected);
	vs_write("\n#   got:      ");
	vs_write(got);
	vs_write("\n");
	return 0;
}
`

/** A C identifier from the scenario's title: "vmascope_prctl_then_two_mappings". */
export function testName(title: string | undefined): string {
  const slug = (title ?? 'scenario').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 48).replace(/_+$/, '')
  return `vmascope_${slug || 'scenario'}`
}

function stepLines(step: PlannedStep, want: string): { lines: string[]; skips: boolean } {
  const lines = [`\t/* ${step.index}. ${step.title} */`]
  if (step.skip !== null) {
    lines.push(`\tSKIP(goto out, "step ${step.index}: %s", "${step.skip}");`)
    return { lines, skips: true }
  }
  let skips = false
  const body: string[] = [...step.prepare]
  for (const c of step.runtime) {
    body.push(`problem = ${c.problem};`, 'if (problem)', `\tSKIP(goto out, "step ${step.index}: %s", problem);`)
    skips = true
  }
  if (step.fork) {
    body.push(
      'pid = fork();',
      'ASSERT_NE(pid, -1);',
      'if (pid != 0) {',
      '\tASSERT_EQ(waitpid(pid, &status, 0), pid);',
      '\tASSERT_TRUE(WIFEXITED(status));',
      '\tif (WEXITSTATUS(status) == KSFT_SKIP)',
      '\t\tSKIP(return, "the child skipped a step");',
      '\tASSERT_EQ(WEXITSTATUS(status), 0);',
      '\treturn;',
      '}',
      '/* The rest runs in the child. */',
      `ASSERT_TRUE(vs_matches(${step.index}, ${want}, ${step.want.length}));`,
    )
  } else {
    body.push(`ASSERT_EQ(${step.call}, ${step.wantErrno});`, `ASSERT_TRUE(vs_matches(${step.index}, ${want}, ${step.want.length}));`)
  }
  const braced = step.prepare.length > 0
  if (braced) lines.push('\t{', ...body.map((l) => `\t\t${l}`), '\t}')
  else lines.push(...body.map((l) => `\t${l}`))
  return { lines, skips }
}

function testBody(plan: ReproducerPlan, names: string[]): string[] {
  const hasFork = plan.steps.some((s) => s.fork && s.skip === null)
  const body: string[] = ['\tconst char *problem;']
  if (hasFork) body.push('\tpid_t pid;', '\tint status;')
  body.push('')
  body.push(...setupStatements(plan).map((s) => `\t${s}`))
  body.push(`\tproblem = vs_setup_window(${plan.windowPages});`, '\tif (problem)', '\t\tTH_LOG("%s: %s", problem, vs_errno_name(errno));', '\tASSERT_TRUE(problem == NULL);')
  if (plan.brkBase !== null) body.push(`\tvs_brk_problem = vs_setup_brk(${plan.brkBase});`)
  if (plan.mergeAnyAtStart) body.push('\t/* The scenario starts with MMF_VM_MERGE_ANY. */', '\tASSERT_EQ(prctl(PR_SET_MEMORY_MERGE, 1UL, 0UL, 0UL, 0UL), 0);')
  let usesOut = false
  plan.steps.forEach((s, k) => {
    const { lines, skips } = stepLines(s, names[k]!)
    usesOut ||= skips
    body.push('', ...lines)
  })
  body.push('')
  if (usesOut) body.push('out:')
  body.push('\tvs_cleanup();')
  return body
}

/** The TEST_F (with the helpers it needs) for `scenario` as `trace`'s profile predicts it. */
export function kselftest(scenario: Scenario, trace: Trace): string {
  const plan = planReproducer(scenario, trace)
  const tables = wantTables(plan)
  const name = testName(scenario.title)
  const build = [
    'Paste everything below into tools/testing/selftests/mm/merge.c after',
    'FIXTURE_TEARDOWN(merge) (merge.c defines _GNU_SOURCE and includes',
    'kselftest_harness.h), then: make -C tools/testing/selftests/mm merge &&',
    `tools/testing/selftests/mm/merge -r merge.${name}`,
    'The merge fixture\'s 30-page carveout is not used: the test reserves a window of',
    'its own. Root is needed only to mount overlayfs and to move the program break.',
  ]
  return [
    headerComment(plan, 'kselftest', build),
    C_PRELUDE,
    bufferDefines(plan),
    // The TEST_F forks by itself (the parent waits and checks the child), so no vs_fork_and_follow_child.
    runtimeFor(new Set([...plan.needs].filter((n) => n !== 'fork'))),
    MATCHES,
    '/* ---------- what the profile predicts after each step ---------- */',
    '',
    tables.text,
    '',
    `TEST_F(merge, ${name})`,
    '{',
    ...testBody(plan, tables.names),
    '}',
    '',
  ].join('\n')
}
