package io.tensorpool.shm;

/**
 * A region on hugetlbfs could not be created because the kernel had no hugepages left to reserve for it (the pool
 * {@code nr_hugepages}, or the mount's {@code size=} limit, is used up). hugetlbfs reserves at {@code mmap}, so this
 * is reported at creation, never as a fault later. A driver asked for hugepage-backed regions answers it with
 * {@code REJECTED} (Driver §4.3).
 */
public final class HugepagesExhaustedException extends ShmValidationException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message the file, its size in hugepages and what the kernel had free.
     * @param cause   the failed mapping.
     */
    public HugepagesExhaustedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
