/**
 * Statistics for comparing strategies on the same requests: intervals for an accuracy, and for the difference of two
 * accuracies measured on the same requests (paired), with an exact test, so a table can say which differences are
 * beyond noise.
 */
package t2j.stats;
