/**
 * <b>Internal</b> to the codec: the structure both wire formats share. Decoders build an {@link
 * io.syncgw.codec.tree.Element} tree that {@link io.syncgw.codec.tree.SyncMlTreeReader} maps to the model; encoders
 * run {@link io.syncgw.codec.tree.SyncMlWriter}, which decides which elements appear in which order, over an
 * {@link io.syncgw.codec.tree.ElementSink} that writes the bytes of one encoding. So XML and WBXML carry the same
 * elements and decode to the same model. Public only because {@code codec.xml} and {@code codec.wbxml} are separate
 * packages; other modules use the encoders and decoders, never this package.
 */
package io.syncgw.codec.tree;
