package io.tensorpool.flink.source;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Who finds the streams to read.
 */
@PublicEvolving
public enum DiscoveryMode
{
    /** The enumerator (job manager) queries the discovery endpoint periodically. */
    ENUMERATOR,
    /**
     * Each reader queries its own host's driver and reports to the enumerator with source events: for clusters where
     * the job manager cannot reach a registry.
     */
    READER,
    /** No discovery: exactly the configured stream ids on the configured driver, readable by any reader. */
    NONE
}
