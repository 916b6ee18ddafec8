package io.tensorpool.hardening.fuzz;

/**
 * Records a failure raised inside a listener callback. Listeners run inside the handler's try block, which turns
 * bounds errors into "malformed" counts; a delivered message that cannot be fully read must fail the fuzz test instead,
 * so listeners catch everything and report here.
 */
final class DeliveryCheck
{
    private Throwable failure;
    private long delivered;

    void delivered()
    {
        delivered++;
    }

    void fail(final Throwable ex)
    {
        if (failure == null)
        {
            failure = ex;
        }
    }

    long deliveredCount()
    {
        return delivered;
    }

    /** Throw (as an AssertionError) the first failure recorded since the last call. */
    void rethrow()
    {
        final Throwable ex = failure;
        failure = null;
        if (ex != null)
        {
            throw new AssertionError("a delivered message failed to decode or validate: " + ex, ex);
        }
    }
}
