/**
 * The built-in models (ResNet, MobileNet, BERT, EfficientNet, YOLO, U-Net, ...) built as graphs
 * with seeded weights, so every test and benchmark has real networks without downloads.
 */
package dev.cotenant.zoo;
