/**
 * The model as data: an immutable graph of nodes over typed values, constant tensors, shapes and
 * data types, and the one exception users see ({@code ModelException}). Imports nothing of Cotenant.
 */
package dev.cotenant.ir;
