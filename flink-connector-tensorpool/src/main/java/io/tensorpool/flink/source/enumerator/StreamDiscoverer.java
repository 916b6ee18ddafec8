package io.tensorpool.flink.source.enumerator;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.util.List;

/**
 * Finds the streams a source may read. Called from a worker thread (enumerator side, through
 * {@code SplitEnumeratorContext.callAsync}) or from a reader's fetcher thread (reader side); one instance is used by
 * one thread at a time.
 */
@Internal
public interface StreamDiscoverer extends AutoCloseable
{
    /**
     * One discovery round.
     *
     * @return every stream visible now; a stream missing from a successful answer is treated as gone.
     * @throws Exception if discovery failed this round (the caller keeps its previous view and counts the failure).
     */
    List<DiscoveredStream> discover() throws Exception;

    /**
     * Release any Aeron resources. Never throws for an already closed discoverer.
     */
    @Override
    void close();

    /**
     * Creates discoverers where they run (the enumerator or a reader), so the source itself stays serializable.
     */
    @FunctionalInterface
    interface Factory extends Serializable
    {
        /**
         * @return a new discoverer; the caller closes it.
         * @throws Exception if it cannot be created (e.g. Aeron is not reachable).
         */
        StreamDiscoverer create() throws Exception;
    }
}
