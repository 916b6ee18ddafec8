package io.tensorpool.driver.client;

/** States of a {@link DriverClient}'s lease (Driver §4.12.1). */
public enum LeaseState
{
    /** No lease and none requested. */
    UNATTACHED,
    /** An attach request is in flight. */
    ATTACHING,
    /** Lease active; keepalives are being sent. */
    ATTACHED,
    /** A detach request is in flight. */
    DETACHING,
    /** Waiting before the next attach attempt, after a refusal, timeout, revocation or driver shutdown. */
    BACKOFF,
    /** Closed; nothing more will happen. */
    CLOSED
}
