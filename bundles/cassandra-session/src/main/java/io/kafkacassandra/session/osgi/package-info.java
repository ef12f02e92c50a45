/**
 * The OSGi declarative-services side of the session: the component that owns the container's Cassandra session
 * and the base class of the components whose services follow it.
 */
@Version("0.1.0")
package io.kafkacassandra.session.osgi;

import org.osgi.annotation.versioning.Version;
