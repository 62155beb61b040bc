/** Random secrets created once and shared by every gateway node of a database. */
package io.syncgw.persistence.secret;
