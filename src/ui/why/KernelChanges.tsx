/**
 * "What separates 6.16 from the other kernels": the upstream commits this
 * profile has and lacks compared with the other profiles, each linked
 * (git.kernel.org, or the list archive where no commit id is recorded), and
 * for v2 the patch as posted. From src/kernel-source, derived from the
 * profile's release.
 */
import { KERNEL_IDS, type KernelId } from '../../engine/api'
import { changeLink, profileChanges, type KernelChange } from '../../kernel-source/commits'

function ChangeItem({ change }: { change: KernelChange }) {
  return (
    <li>
      <a href={changeLink(change)} target="_blank" rel="noreferrer" className="font-mono text-accent underline decoration-dotted underline-offset-2">
        {change.commit ?? 'patch'}
      </a>{' '}
      &ldquo;{change.subject}&rdquo; ({change.landed}): {change.effect}
    </li>
  )
}

export function KernelChanges({ kernel }: { kernel: KernelId }) {
  const changes = profileChanges(kernel, KERNEL_IDS)
  if (!changes) return null
  return (
    <details className="text-[12px]" data-testid="kernel-changes">
      <summary className="cursor-pointer text-muted">What separates {kernel} from the other kernels</summary>
      {changes.patch && (
        <p className="mt-1">
          {kernel} is a patch, not a release:{' '}
          <a href={changes.patch.url} target="_blank" rel="noreferrer" className="text-accent underline">
            {changes.patch.title}
          </a>{' '}
          (<a href={changes.patch.coverUrl} target="_blank" rel="noreferrer" className="text-accent underline">the series</a>), on the {changes.release} cycle. It differs from what landed in 6.17: {changes.patch.differences.join('; ')}.
        </p>
      )}
      {changes.has.length > 0 && (
        <>
          <p className="mt-1 font-semibold">Has</p>
          <ul className="list-disc space-y-0.5 pl-5">{changes.has.map((c) => <ChangeItem key={c.subject} change={c} />)}</ul>
        </>
      )}
      {changes.lacks.length > 0 && (
        <>
          <p className="mt-1 font-semibold">Lacks</p>
          <ul className="list-disc space-y-0.5 pl-5">{changes.lacks.map((c) => <ChangeItem key={c.subject} change={c} />)}</ul>
        </>
      )}
    </details>
  )
}
