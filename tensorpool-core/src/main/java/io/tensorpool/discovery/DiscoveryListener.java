package io.tensorpool.discovery;

/** Receives the outcome of a query submitted with {@link DiscoveryClient#submit(DiscoveryQuery, DiscoveryListener)}. */
@FunctionalInterface
public interface DiscoveryListener
{
    /**
     * Called exactly once per submitted query, on the thread calling {@link DiscoveryClient#poll()}: with the response,
     * or with {@link DiscoveryResult.Status#TIMED_OUT} after the deadline. Must not throw.
     */
    void onResult(DiscoveryResult result);
}
