package io.tensorpool.shm;

/**
 * Hugepage-backed regions cannot be provided: they are required and the directory is not on hugetlbfs, or the kernel
 * has no hugepages left to reserve for a region on hugetlbfs (the pool {@code nr_hugepages}, or the mount's
 * {@code size=} limit, is used up; hugetlbfs reserves at {@code mmap}, so this is reported at creation, never as a
 * fault later). A driver answers it with {@code REJECTED} (Driver §4.3).
 */
public final class HugepagesUnavailableException extends ShmValidationException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was required or needed, and what the filesystem or kernel had.
     * @param cause   the failed check or mapping.
     */
    public HugepagesUnavailableException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
