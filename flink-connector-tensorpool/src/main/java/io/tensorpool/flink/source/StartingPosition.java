package io.tensorpool.flink.source;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Where a split with no checkpointed position starts. A restored split always resumes after its checkpointed seq.
 */
@PublicEvolving
public enum StartingPosition
{
    /** Only frames committed after the reader attached. */
    LATEST,
    /** First the frames of the current epoch still committed in the header ring, oldest first, then live ones. */
    EARLIEST_IN_RING
}
